import SluiceEngine

/// The committed epoch of the running execution, followed from the store's
/// own (durable) writes, so garbage collection can run during a run without
/// reading every file's progress. Mirrors the commit rule of
/// ``ProgressRow/committedEpochs(_:)``; it only ever lags the rows, never
/// leads them, so what it allows to be deleted is never needed.
///
/// ```swift
/// var tracker = CommittedEpochTracker()
/// tracker.begin(workerCount: 2, committed: 4)
/// tracker.recordWrite(worker: 0, epoch: 5, ended: false)
/// tracker.recordWrite(worker: 1, epoch: 6, ended: false)
/// tracker.committed   // 5
/// ```
struct CommittedEpochTracker: Sendable {
    /// The committed epoch when the execution began (nil: none).
    private(set) var base: Int64?
    /// The execution's worker count.
    private(set) var workerCount = 0
    private var lastWritten: [Int: Int64] = [:]
    private var ended: Set<Int> = []
    /// The highest collection threshold allowed (nil: no cap): a backup in
    /// progress keeps every version newer than the epoch it last uploaded.
    /// Kept across executions.
    var collectionCap: Int64?
    /// The cluster's committed epoch as the engine told it (a member store
    /// sees only its own workers' writes; decision 0018).
    private(set) var told: Int64?

    /// Starts following a new execution.
    /// - Parameters:
    ///   - workerCount: Its workers.
    ///   - committed: The store's committed epoch before it.
    mutating func begin(workerCount: Int, committed: Int64?) {
        self.workerCount = workerCount
        base = committed
        lastWritten = [:]
        ended = []
        told = nil
    }

    /// The engine says the whole cluster committed `epoch` (never lowers it).
    mutating func clusterCommitted(_ epoch: Int64) {
        told = max(told ?? epoch, epoch)
    }

    /// Records a worker's write, once it is durable.
    mutating func recordWrite(worker: Int, epoch: Int64, ended workerEnded: Bool) {
        lastWritten[worker] = epoch
        if workerEnded { ended.insert(worker) }
    }

    /// True once every worker of the execution has written: from then on
    /// its own rows, not earlier executions', define the committed epoch.
    var isComplete: Bool { workerCount > 0 && lastWritten.count == workerCount }

    /// The committed epoch as far as this store instance knows it.
    var committed: Int64? {
        let own = CommitRule.committed(lastWritten: lastWritten, ended: ended, workerCount: workerCount)
        return [base, own, told].compactMap { $0 }.max()
    }

    /// The epoch at or below which a newer version makes older ones
    /// deletable: `committed − backupEpochs` (at most ``collectionCap``),
    /// nil while nothing is committed.
    func collectionThreshold(backupEpochs: Int) -> Int64? {
        committed.map { min($0 - Int64(backupEpochs), collectionCap ?? .max) }
    }
}
