import Foundation
import SluiceEngine

/// The JSON document `/dataflow` serves: the flow's shape (steps with ids,
/// kinds and scopes, the scopes, the edges) and the run's status (phase,
/// workers, processes, cluster members, the partitions each worker reads,
/// the epoch timeline).
///
/// ```swift
/// let json = try DataflowReport(shape: DataflowShape(flow), status: status.current).json()
/// ```
public struct DataflowReport: Codable, Sendable, Equatable {
    /// A core step.
    public struct Step: Codable, Sendable, Equatable {
        /// The full step id.
        public var id: String
        /// The core step kind.
        public var kind: String
        /// The enclosing scope's id (the flow id at the top).
        public var scope: String
        /// The streams it reads.
        public var inputs: [String]
        /// The streams it writes.
        public var outputs: [String]
    }

    /// An operator scope.
    public struct Scope: Codable, Sendable, Equatable {
        /// The scope's id.
        public var id: String
        /// The enclosing scope's id.
        public var parent: String
    }

    /// A stream between two steps.
    public struct Edge: Codable, Sendable, Equatable {
        /// The producing step.
        public var from: String
        /// The consuming step.
        public var to: String
        /// The producing step's output port.
        public var port: String
    }

    /// A worker of the run and what it reads.
    public struct Worker: Codable, Sendable, Equatable {
        /// The worker's index in the whole run.
        public var worker: Int
        /// The process it runs in.
        public var process: Int
        /// For each input step, the partitions this worker reads (sorted).
        public var partitions: [String: [String]]
    }

    /// A cluster member.
    public struct Member: Codable, Sendable, Equatable {
        /// The process id.
        public var process: Int
        /// Its cluster address.
        public var address: String
        /// `connecting`, `connected`, `stopped` or `failed`.
        public var state: String
        /// True for the process serving this report.
        public var isSelf: Bool
    }

    /// A snapshot or commit of the epoch timeline.
    public struct EpochEvent: Codable, Sendable, Equatable {
        /// `snapshot` or `committed`.
        public var kind: String
        /// The epoch.
        public var epoch: UInt64
        /// The worker, for a snapshot.
        public var worker: Int?
        /// When, in seconds since 1970.
        public var time: Double
    }

    /// The flow id.
    public var flow: String
    /// The core steps, in definition order.
    public var steps: [Step]
    /// The operator scopes.
    public var scopes: [Scope]
    /// The edges.
    public var edges: [Edge]
    /// `starting`, `resuming`, `running`, `stopping`, `stopped` or `failed`.
    public var phase: String
    /// Whether `/readyz` answers 200.
    public var ready: Bool
    /// Why the run failed.
    public var reason: String?
    /// When the phase began, in seconds since 1970.
    public var since: Double
    /// This process's id.
    public var process: Int
    /// Processes in the run.
    public var processes: Int
    /// Workers in the whole run, once known.
    public var workerCount: Int?
    /// This process's workers and what each reads (once known).
    public var workers: [Worker]
    /// The cluster's members (empty for a single process).
    public var members: [Member]
    /// The last committed epoch.
    public var committedEpoch: UInt64?
    /// Recent snapshots and commits, oldest first.
    public var timeline: [EpochEvent]

    /// Builds the report.
    /// - Parameters:
    ///   - shape: The flow's shape (nil: no steps, as before a flow is known).
    ///   - status: The run's status now.
    public init(shape: DataflowShape?, status: RunStatus.Snapshot) {
        flow = shape?.flowID ?? ""
        steps = (shape?.steps ?? []).map {
            Step(id: $0.id, kind: $0.kind, scope: $0.scope, inputs: $0.inputs, outputs: $0.outputs)
        }
        scopes = (shape?.scopes ?? []).map { Scope(id: $0.id, parent: $0.parent) }
        edges = (shape?.edges ?? []).map { Edge(from: $0.from, to: $0.to, port: $0.port) }
        phase = status.phase.rawValue
        ready = status.isReady
        reason = status.reason
        since = status.since.timeIntervalSince1970
        process = status.processID
        processes = status.processCount
        workerCount = status.workerCount
        let perProcess = status.workerCount.map { max(1, $0 / max(1, status.processCount)) }
        workers = status.localWorkers.map { worker in
            var reads: [String: [String]] = [:]
            for (step, owners) in status.partitions {
                reads[step] = owners.filter { $0.value == worker }.map(\.key).sorted()
            }
            return Worker(worker: worker, process: perProcess.map { worker / $0 } ?? status.processID, partitions: reads)
        }
        members = status.members.map {
            Member(process: $0.process, address: $0.address, state: $0.state.rawValue, isSelf: $0.isSelf)
        }
        committedEpoch = status.committedEpoch
        timeline = status.timeline.map {
            EpochEvent(kind: $0.kind.rawValue, epoch: $0.epoch, worker: $0.worker, time: $0.time.timeIntervalSince1970)
        }
    }

    /// The report as JSON (keys sorted).
    /// - Returns: UTF-8 JSON.
    /// - Throws: Never in practice (every field encodes).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
