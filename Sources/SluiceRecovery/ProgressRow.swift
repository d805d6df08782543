import SluiceEngine

/// One row of a partition file's `progress` table: the last epoch a worker
/// of an execution wrote, and whether that was its last write. The commit
/// rule over all files' rows lives here too.
///
/// ```swift
/// let rows = [ProgressRow(execution: 1, worker: 0, workerCount: 2, epoch: 7, ended: false),
///             ProgressRow(execution: 1, worker: 1, workerCount: 2, epoch: 6, ended: false)]
/// ProgressRow.committedEpoch(rows)   // 6
/// ```
struct ProgressRow: Hashable, Sendable {
    /// The execution (one per run of the dataflow on this store, numbered from 1).
    let execution: Int64
    /// The worker's index.
    let worker: Int64
    /// The execution's worker count.
    let workerCount: Int64
    /// The last epoch the worker wrote.
    let epoch: Int64
    /// True when that write was the worker's last.
    let ended: Bool

    /// Reads every progress row of one file.
    static func all(in db: SQLiteConnection) throws(SQLiteError) -> [ProgressRow] {
        let query = try db.prepare("SELECT execution, worker, worker_count, epoch, ended FROM progress")
        var rows: [ProgressRow] = []
        while try query.step() {
            rows.append(ProgressRow(
                execution: query.int64(at: 0) ?? 0, worker: query.int64(at: 1) ?? 0,
                workerCount: query.int64(at: 2) ?? 0, epoch: query.int64(at: 3) ?? 0, ended: query.int64(at: 4) != 0))
        }
        return rows
    }

    /// The epoch each complete execution committed (every worker has a
    /// row): the lowest epoch among its running workers, or the highest when
    /// all have ended. Incomplete executions are absent.
    static func committedEpochs(_ rows: [ProgressRow]) -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for (execution, workers) in Dictionary(grouping: rows, by: \.execution) {
            guard let count = workers.first?.workerCount else { continue }
            let lastWritten = Dictionary(workers.map { (Int($0.worker), $0.epoch) }, uniquingKeysWith: max)
            let ended = Set(workers.filter(\.ended).map { Int($0.worker) })
            result[execution] = CommitRule.committed(lastWritten: lastWritten, ended: ended, workerCount: Int(count))
        }
        return result
    }

    /// The store's committed epoch: the highest any complete execution
    /// committed; nil when none is complete.
    static func committedEpoch(_ rows: [ProgressRow]) -> Int64? {
        committedEpochs(rows).values.max()
    }

    /// Like ``committedEpochs(_:)`` over only the workers a store holds rows
    /// of: for an execution with an entry in `localWorkers` (a cluster
    /// member's store holds its own process's workers), those workers; for
    /// the others, every worker. The epoch this store's own writers all reached.
    static func committedEpochs(_ rows: [ProgressRow], localWorkers: [Int64: Range<Int>]) -> [Int64: Int64] {
        guard !localWorkers.isEmpty else { return committedEpochs(rows) }
        var result: [Int64: Int64] = [:]
        for (execution, workers) in Dictionary(grouping: rows, by: \.execution) {
            guard let count = workers.first?.workerCount else { continue }
            let expected = localWorkers[execution] ?? 0..<Int(count)
            let own = workers.filter { expected.contains(Int($0.worker)) }
            let lastWritten = Dictionary(own.map { (Int($0.worker), $0.epoch) }, uniquingKeysWith: max)
            let ended = Set(own.filter(\.ended).map { Int($0.worker) })
            result[execution] = CommitRule.committed(lastWritten: lastWritten, ended: ended, workerCount: expected.count)
        }
        return result
    }

    /// The row as the engine sees it.
    var engineRow: StoreProgress {
        StoreProgress(execution: execution, worker: worker, workerCount: workerCount, epoch: epoch, ended: ended)
    }
}
