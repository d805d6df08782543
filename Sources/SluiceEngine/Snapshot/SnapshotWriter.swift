import Foundation

/// Writes one worker's snapshots to the recovery store on a background
/// thread, in epoch order, so the worker keeps processing while SQLite
/// writes and syncs. At most `maxPending` epochs wait; beyond that the worker
/// waits (back-pressure). A failed write stops the run through `onFailure`.
/// The commit tracker hears of an epoch only once its write returned (durable).
package final class SnapshotWriter: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`.
    private struct Write {
        let epoch: Epoch
        let records: [SnapshotRecord]
        let ended: Bool
    }

    private let store: any RecoveryStore
    private let worker: WorkerIndex
    private let tracker: CommitTracker?
    private let onFailure: @Sendable (any Error) -> Void
    private let maxPending: Int
    private let condition = NSCondition()
    private var queue: [Write] = []
    private var writing = false
    private var failure: (any Error)?
    private var closed = false
    /// Written only by the writer thread.
    private let metrics: SnapshotMetrics

    package init(
        store: any RecoveryStore, worker: WorkerIndex, tracker: CommitTracker?, maxPending: Int = 2,
        onFailure: @escaping @Sendable (any Error) -> Void
    ) {
        self.store = store
        self.worker = worker
        self.tracker = tracker
        self.maxPending = max(1, maxPending)
        self.onFailure = onFailure
        self.metrics = SnapshotMetrics(worker: worker)
        let thread = Thread { [self] in self.loop() }
        thread.name = "sluice-snap-w\(worker.rawValue)"
        thread.start()
    }

    /// Queues the write of `epoch`; waits while `maxPending` writes are queued.
    /// - Throws: An earlier write's failure.
    package func enqueue(epoch: Epoch, records: [SnapshotRecord], ended: Bool) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= maxPending && failure == nil && !closed { condition.wait() }
        if let failure { throw failure }
        guard !closed else { return }
        queue.append(Write(epoch: epoch, records: records, ended: ended))
        condition.broadcast()
    }

    /// Waits until every queued write is durable, then stops the thread.
    /// - Throws: A write's failure.
    package func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || writing) && failure == nil && !closed { condition.wait() }
        closed = true
        condition.broadcast()
        if let failure { throw failure }
    }

    /// Stops the thread, dropping queued writes (the run is stopping after a
    /// failure); waits (at most 10 s) for a write under way to end.
    package func stop() {
        condition.lock()
        closed = true
        queue.removeAll()
        condition.broadcast()
        // A write under way finishes first, so a stopped run never returns
        // while its store is still being written (a resume in the same
        // process would read the files half-way through that write).
        // Bounded: a store stuck in a write must not hang the run.
        let deadline = Date(timeIntervalSinceNow: 10)
        while writing, condition.wait(until: deadline) {}
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                return
            }
            let next = queue.removeFirst()
            writing = true
            condition.unlock()

            var failed: (any Error)?
            do {
                let start = metrics.start()
                try store.write(epoch: next.epoch, worker: worker, records: next.records, ended: next.ended)
                metrics.wrote(next.records, since: start)
                tracker?.wrote(worker: worker, epoch: next.epoch, ended: next.ended)
            } catch {
                failed = error
            }

            condition.lock()
            writing = false
            if let failed {
                failure = failed
                queue.removeAll()
                closed = true
            }
            condition.broadcast()
            condition.unlock()
            if let failed {
                onFailure(failed)
                return
            }
        }
    }
}
