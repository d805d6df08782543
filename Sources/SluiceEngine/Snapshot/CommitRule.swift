/// The commit rule of decision 0009, in one place for every store and
/// tracker: once each of `workerCount` workers has written, the committed
/// epoch is the lowest last-written epoch among the workers that have not
/// ended, or the highest one if all have ended.
///
/// ```swift
/// CommitRule.committed(lastWritten: [0: 5, 1: 6], ended: [], workerCount: 2)   // 5
/// ```
package enum CommitRule {
    /// The committed epoch, or nil while some worker has not written yet.
    /// - Parameters:
    ///   - lastWritten: Each worker's last durable epoch, by worker index.
    ///   - ended: The workers whose last write was marked ended.
    ///   - workerCount: The execution's worker count.
    package static func committed<E: Comparable>(lastWritten: [Int: E], ended: Set<Int>, workerCount: Int) -> E? {
        guard workerCount > 0, lastWritten.count == workerCount else { return nil }
        let running = lastWritten.lazy.filter { !ended.contains($0.key) }.map(\.value)
        return running.min() ?? lastWritten.values.max()
    }
}
