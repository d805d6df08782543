/// One progress row of a store, as the engine sees it: the last epoch a
/// worker of an execution wrote, and whether that was its last write.
///
/// ```swift
/// let row = StoreProgress(execution: 2, worker: 0, workerCount: 2, epoch: 14, ended: false)
/// ```
package struct StoreProgress: Codable, Hashable, Sendable {
    /// The execution.
    package let execution: Int64
    /// The worker (global index).
    package let worker: Int64
    /// The execution's worker count.
    package let workerCount: Int64
    /// The worker's last written epoch.
    package let epoch: Int64
    /// True when that write was the worker's last.
    package let ended: Bool

    /// Creates a row.
    package init(execution: Int64, worker: Int64, workerCount: Int64, epoch: Int64, ended: Bool) {
        self.execution = execution
        self.worker = worker
        self.workerCount = workerCount
        self.epoch = epoch
        self.ended = ended
    }

    /// The epoch each complete execution committed (every worker has a
    /// row), by execution; the commit rule of decision 0009.
    package static func committedEpochs(_ rows: [StoreProgress]) -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for (execution, workers) in Dictionary(grouping: rows, by: \.execution) {
            guard let count = workers.map(\.workerCount).max() else { continue }
            let lastWritten = Dictionary(workers.map { (Int($0.worker), $0.epoch) }, uniquingKeysWith: max)
            let ended = Set(workers.filter(\.ended).map { Int($0.worker) })
            result[execution] = CommitRule.committed(lastWritten: lastWritten, ended: ended, workerCount: Int(count))
        }
        return result
    }
}
