import Foundation
import Synchronization

/// Where every worker of a run can be reached: the inboxes of this process's
/// workers, and the other processes through a `ProcessTransport`.
///
/// Workers are numbered across the whole cluster: process `p` runs workers
/// `p * workersPerProcess ..< (p + 1) * workersPerProcess`. Local messages
/// move as arrays; messages to another process are encoded once and sent as
/// one frame. Frames from other processes are parsed on the network thread
/// and put in the target worker's inbox (batches stay encoded until that
/// worker decodes them).
///
/// ```swift
/// let network = WorkerNetwork(mailboxes: mailboxes, transport: nil)   // one process
/// network.isLocal(0)   // true
/// ```
package final class WorkerNetwork: @unchecked Sendable {
    // @unchecked: `syncState` is guarded by `syncCondition`; the rest is
    // immutable, atomic, or a Mutex.
    /// Workers in the whole run.
    package let workerCount: Int
    /// Workers in each process.
    package let workersPerProcess: Int
    /// The global index of this process's first worker.
    package let localBase: Int
    /// This process's workers' inboxes, by local index.
    package let mailboxes: [Mailbox]
    /// The other processes; nil in a single-process run.
    package let transport: (any ProcessTransport)?
    /// Bytes queued to one process above which sources throttle.
    package let maxPendingBytes: Int

    private let busyWorkers = Mutex(Set<Int>())
    private let busyCount = Atomic<Int>(0)
    private let tracker = Mutex<CommitTracker?>(nil)
    private let stopRequested = Mutex<(@Sendable (_ process: Int, _ draining: Bool) -> Void)?>(nil)
    private let syncCondition = NSCondition()
    private var syncState = SyncState()

    private struct SyncState {
        var received: [Int: [Int: [UInt8]]] = [:]
        var failure: (any Error)?
    }

    /// - Parameters:
    ///   - mailboxes: This process's workers' inboxes.
    ///   - transport: The other processes, or nil for a single-process run.
    ///   - maxPendingBytes: Bytes queued to one process above which sources throttle.
    package init(mailboxes: [Mailbox], transport: (any ProcessTransport)?, maxPendingBytes: Int = 16 << 20) {
        self.mailboxes = mailboxes
        self.transport = transport
        self.workersPerProcess = mailboxes.count
        self.workerCount = mailboxes.count * (transport?.processCount ?? 1)
        self.localBase = mailboxes.count * (transport?.processIndex ?? 0)
        self.maxPendingBytes = maxPendingBytes
    }

    /// True for the first process (which alone runs once-per-cluster work).
    package var isLeader: Bool { (transport?.processIndex ?? 0) == 0 }

    /// Whether worker `worker` (global index) runs in this process.
    package func isLocal(_ worker: Int) -> Bool { worker >= localBase && worker < localBase + mailboxes.count }

    /// The inbox of a worker of this process (global index).
    package func mailbox(of worker: Int) -> Mailbox { mailboxes[worker - localBase] }

    /// The process that runs `worker`.
    package func process(of worker: Int) -> Int { worker / workersPerProcess }

    /// Starts receiving frames; `onFailure` hears of a lost or failed peer
    /// and of a frame that cannot be parsed; `onStopRequest` hears that
    /// another process was asked to stop (its index, and whether to drain).
    package func attach(
        tracker commitTracker: CommitTracker?, onStopRequest: (@Sendable (_ process: Int, _ draining: Bool) -> Void)? = nil,
        onFailure: @escaping @Sendable (any Error) -> Void
    ) {
        tracker.withLock { $0 = commitTracker }
        stopRequested.withLock { $0 = onStopRequest }
        transport?.attach(
            receiver: { [weak self] process, bytes in
                guard let self else { return }
                do { try self.receive(bytes, from: process) } catch {
                    onFailure(DataflowError.clusterFailed(reason: "a message from process \(process) is invalid: \(error)"))
                }
            },
            onFailure: { [weak self] error in
                self?.failSyncs(error)
                onFailure(DataflowError.clusterFailed(reason: "\(error)"))
            })
    }

    // MARK: Sending

    /// Sends an encoded batch (header included) to a worker of another process.
    package func sendRemote(_ bytes: [UInt8], toWorker worker: Int) throws {
        guard let transport else { preconditionFailure("worker \(worker) is not local in a single-process run") }
        try send(bytes, to: process(of: worker), transport)
    }

    /// Sends a progress signal of `exchange` to every worker of every other process.
    package func broadcastProgress(exchange: Int, from worker: Int, signal: Progress) throws {
        guard let transport else { return }
        let bytes = WireMessage.progress(exchange: exchange, from: worker, signal: signal).encoded()
        for process in Self.otherProcesses(transport) { try send(bytes, to: process, transport) }
    }

    /// Tells the other processes that a local worker's snapshot is durable.
    package func announceWritten(worker: WorkerIndex, epoch: Epoch, ended: Bool) {
        broadcastControl(.written(worker: worker.rawValue, epoch: epoch, ended: ended))
    }

    /// Tells the other processes that a local worker's inbox went over or under its limit.
    package func announceBusy(worker: WorkerIndex, busy: Bool) {
        broadcastControl(.busy(worker: worker.rawValue, busy: busy))
    }

    /// Tells the other processes that this one was asked to stop, so the
    /// whole cluster stops (gracefully) together.
    package func announceStop(draining: Bool) {
        guard let transport else { return }
        broadcastControl(.stop(process: transport.processIndex, draining: draining))
    }

    /// Whether sources should wait for other processes: a remote inbox is
    /// over its limit, or too many bytes wait to be sent to a process.
    package var isRemoteThrottled: Bool {
        guard let transport else { return false }
        if busyCount.load(ordering: .relaxed) > 0 { return true }
        return Self.otherProcesses(transport).contains { transport.pendingBytes(toProcess: $0) > maxPendingBytes }
    }

    /// Every process but this one (lazily: `isRemoteThrottled` asks on every worker loop turn).
    private static func otherProcesses(_ transport: any ProcessTransport) -> LazyFilterSequence<Range<Int>> {
        let own = transport.processIndex
        return (0..<transport.processCount).lazy.filter { $0 != own }
    }

    private func send(_ bytes: [UInt8], to process: Int, _ transport: any ProcessTransport) throws {
        do {
            try transport.send(bytes, toProcess: process)
        } catch {
            // The transport's errors name the process (and, once it failed,
            // give the failure itself, e.g. "process 1 stopped: <its error>").
            throw DataflowError.clusterFailed(reason: "\(error)")
        }
    }

    /// Control messages are advisory: a peer that already finished cleanly
    /// needs none, and a real failure reaches the run through the transport.
    private func broadcastControl(_ message: WireMessage) {
        guard let transport else { return }
        let bytes = message.encoded()
        for process in Self.otherProcesses(transport) { try? transport.send(bytes, toProcess: process) }
    }

    // MARK: Start-up synchronization

    /// Waits until every process reached synchronization point `step`, and
    /// returns each process's payload (this one's included), by process.
    /// - Throws: `DataflowError.clusterFailed` when the transport fails or
    ///   the peers do not arrive within `timeout` seconds.
    package func sync(step: Int, payload: [UInt8] = [], timeout: Double = 120) throws -> [[UInt8]] {
        guard let transport else { return [payload] }
        let own = transport.processIndex
        syncCondition.lock()
        syncState.received[step, default: [:]][own] = payload
        syncCondition.unlock()
        let bytes = WireMessage.sync(step: step, payload: payload).encoded()
        for process in Self.otherProcesses(transport) { try send(bytes, to: process, transport) }
        let deadline = Date(timeIntervalSinceNow: timeout)
        syncCondition.lock()
        defer { syncCondition.unlock() }
        while true {
            if let failure = syncState.failure { throw DataflowError.clusterFailed(reason: "\(failure)") }
            let received = syncState.received[step] ?? [:]
            if received.count == transport.processCount {
                // Each step is reached once: free its payloads (start-up state can be large).
                syncState.received[step] = nil
                return (0..<transport.processCount).map { received[$0]! }
            }
            if !syncCondition.wait(until: deadline) {
                let missing = (0..<transport.processCount).filter { received[$0] == nil }
                throw DataflowError.clusterFailed(
                    reason: "processes \(missing) did not reach start-up step \(step) within \(Int(timeout)) s")
            }
        }
    }

    private func failSyncs(_ error: any Error) {
        syncCondition.lock()
        if syncState.failure == nil { syncState.failure = error }
        syncCondition.broadcast()
        syncCondition.unlock()
    }

    // MARK: Receiving (network thread)

    private func receive(_ bytes: [UInt8], from process: Int) throws {
        switch try WireMessage.decode(bytes) {
        case let .batch(exchange, from, to, count, bytes, start):
            guard isLocal(to) else { throw WireError("batch for worker \(to), which is not in this process") }
            mailbox(of: to).send(
                Envelope(exchange: exchange, from: from, payload: .encoded(bytes: bytes, start: start, count: count)))
        case let .progress(exchange, from, signal):
            for mailbox in mailboxes { mailbox.send(Envelope(exchange: exchange, from: from, payload: .progress(signal))) }
        case let .written(worker, epoch, ended):
            tracker.withLock { $0 }?.wrote(worker: WorkerIndex(worker), epoch: epoch, ended: ended, announce: false)
        case let .busy(worker, busy):
            let changed = busyWorkers.withLock { busy ? $0.insert(worker).inserted : $0.remove(worker) != nil }
            guard changed else { return }
            busyCount.add(busy ? 1 : -1, ordering: .relaxed)
            if !busy { for mailbox in mailboxes { mailbox.wake() } }
        case let .stop(process, draining):
            stopRequested.withLock { $0 }?(process, draining)
        case let .sync(step, payload):
            syncCondition.lock()
            syncState.received[step, default: [:]][process] = payload
            syncCondition.broadcast()
            syncCondition.unlock()
        }
    }
}
