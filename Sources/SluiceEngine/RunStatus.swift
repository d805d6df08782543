import Foundation
import Synchronization

/// What a run is doing right now, updated by the engine as it goes: its
/// phase (starting, resuming, running, stopping, stopped, failed), the
/// cluster's members, which worker reads which partition, and a short
/// timeline of snapshots and committed epochs. The monitoring endpoint
/// (`SluiceMonitor`) serves it as `/healthz`, `/readyz` and `/dataflow`.
///
/// Give one to a run through `RunConfiguration.status`; the engine touches
/// it a few times per run and once per snapshot, under a lock, so it costs
/// nothing per item.
///
/// ```swift
/// let status = RunStatus()
/// var configuration = RunConfiguration(workers: 2)
/// configuration.status = status
/// let running = start(flow, configuration: configuration)
/// print(status.current.phase, status.isReady)   // e.g. running true
/// ```
public final class RunStatus: Sendable {
    /// Where a run is in its life.
    public enum Phase: String, Sendable, CaseIterable {
        /// Created, or checking its configuration and connecting to its peers.
        case starting
        /// Reading the recovery store and agreeing on the resume epoch.
        case resuming
        /// Every worker runs (ready).
        case running
        /// A stop was asked (a signal, `stop()`, a peer's stop): the run
        /// snapshots or drains and ends.
        case stopping
        /// The run returned normally.
        case stopped
        /// The run failed; `Snapshot.reason` says why.
        case failed
    }

    /// How this process sees a member of its cluster.
    public enum MemberState: String, Sendable {
        /// Awaited at start-up.
        case connecting
        /// Connected (or this process itself, running).
        case connected
        /// The run ended normally.
        case stopped
        /// The run failed (the reason names the member when it was one).
        case failed
    }

    /// One process of the cluster.
    public struct Member: Sendable, Equatable {
        /// The process id.
        public var process: Int
        /// Its cluster address (`host:port`).
        public var address: String
        /// Its state as this process sees it.
        public var state: MemberState
        /// True for the process that serves this status.
        public var isSelf: Bool
    }

    /// One entry of the epoch timeline.
    public struct EpochEvent: Sendable, Equatable {
        /// What happened.
        public enum Kind: String, Sendable {
            /// A worker of this process made its snapshot of the epoch durable.
            case snapshot
            /// Every worker of the run made the epoch durable: it is committed.
            case committed
        }
        /// What happened.
        public var kind: Kind
        /// The epoch.
        public var epoch: UInt64
        /// The worker, for a snapshot.
        public var worker: Int?
        /// When.
        public var time: Date
    }

    /// A copy of the status at one moment.
    public struct Snapshot: Sendable {
        /// The phase.
        public var phase: Phase = .starting
        /// Why the run failed (with `.failed`).
        public var reason: String?
        /// When the phase was entered.
        public var since = Date()
        /// Workers in the whole run (every process), once known.
        public var workerCount: Int?
        /// This process's workers (global indexes), once known.
        public var localWorkers: [Int] = []
        /// This process's id (0 alone).
        public var processID = 0
        /// Processes in the run (1 alone).
        public var processCount = 1
        /// The cluster's members (empty for a run in one process).
        public var members: [Member] = []
        /// For each input step, the worker reading each partition, once the
        /// partitions are listed.
        public var partitions: [String: [String: Int]] = [:]
        /// The last committed epoch (with a recovery store).
        public var committedEpoch: UInt64?
        /// The last `RunStatus.timelineLength` snapshots and commits, oldest first.
        public var timeline: [EpochEvent] = []
        /// True while every worker runs: the run has resumed from its
        /// store and, in a cluster, every process is connected.
        public var isReady: Bool { phase == .running }
        /// False once the run has failed.
        public var isAlive: Bool { phase != .failed }
    }

    /// How many timeline entries are kept.
    public static let timelineLength = 240

    private let state = Mutex(Snapshot())

    /// Creates a status in the `starting` phase.
    public init() {}

    /// A copy of the status now.
    public var current: Snapshot { state.withLock { $0 } }

    /// True while the run is running (see `Snapshot.isReady`).
    public var isReady: Bool { state.withLock { $0.isReady } }

    /// Enters `phase`. A failure is kept (a later stop or stopped does not
    /// hide it) until a new run starts again; a stop asked during start-up
    /// is not undone by the start-up's end, and a stop heard after the run
    /// ended does not reopen it.
    package func enter(_ phase: Phase) {
        state.withLock { status in
            if status.phase == .failed && phase != .starting { return }
            // A stop asked during start-up is not undone by the start-up's end.
            if status.phase == .stopping && (phase == .resuming || phase == .running) { return }
            // A stop's handlers may run after the run already ended.
            if phase == .stopping && status.phase == .stopped { return }
            if phase == .starting {
                status.reason = nil
                status.timeline.removeAll()
                status.committedEpoch = nil
            }
            guard status.phase != phase else { return }
            status.phase = phase
            status.since = Date()
            if phase == .stopped {
                for index in status.members.indices { status.members[index].state = .stopped }
            }
        }
    }

    /// Records that the run failed with `reason` (the first failure wins).
    package func fail(_ reason: String) {
        state.withLock { status in
            guard status.phase != .failed else { return }
            status.phase = .failed
            status.reason = reason
            status.since = Date()
            for index in status.members.indices where status.members[index].isSelf {
                status.members[index].state = .failed
            }
        }
    }

    /// Records the run's workers.
    package func setWorkers(total: Int, local: Range<Int>) {
        state.withLock { status in
            status.workerCount = total
            status.localWorkers = Array(local)
        }
    }

    /// Records the cluster: this process and every member's address.
    package func setCluster(processID: Int, addresses: [String], state memberState: MemberState) {
        state.withLock { status in
            status.processID = processID
            status.processCount = addresses.count
            status.members = addresses.enumerated().map { index, address in
                Member(
                    process: index, address: address, state: index == processID ? .connected : memberState,
                    isSelf: index == processID)
            }
        }
    }

    /// Sets every member's state.
    package func setMembers(_ memberState: MemberState) {
        state.withLock { status in
            for index in status.members.indices { status.members[index].state = memberState }
        }
    }

    /// Records which worker reads each partition of input `step`.
    package func setPartitions(step: StepID, owners: [PartitionKey: Int]) {
        var table: [String: Int] = [:]
        for (key, worker) in owners { table[key.rawValue] = worker }
        state.withLock { $0.partitions[step.rawValue] = table }
    }

    /// A worker's snapshot of `epoch` is durable.
    package func recordSnapshot(worker: WorkerIndex, epoch: Epoch) {
        append(EpochEvent(kind: .snapshot, epoch: epoch.rawValue, worker: worker.rawValue, time: Date()))
    }

    /// `epoch` is committed.
    package func recordCommitted(_ epoch: Epoch) {
        let event = EpochEvent(kind: .committed, epoch: epoch.rawValue, worker: nil, time: Date())
        state.withLock { status in
            status.committedEpoch = max(status.committedEpoch ?? 0, epoch.rawValue)
            status.timeline.append(event)
            if status.timeline.count > Self.timelineLength {
                status.timeline.removeFirst(status.timeline.count - Self.timelineLength)
            }
        }
    }

    private func append(_ event: EpochEvent) {
        state.withLock { status in
            status.timeline.append(event)
            if status.timeline.count > Self.timelineLength {
                status.timeline.removeFirst(status.timeline.count - Self.timelineLength)
            }
        }
    }
}
