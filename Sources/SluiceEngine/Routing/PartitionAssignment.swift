/// Assigns partitions to workers: every partition to exactly one worker,
/// counts differing by at most one, and the same answer in every process for
/// the same partition list, step and worker count.
package enum PartitionAssignment {
    /// The partition keys listed more than once, sorted (a source or sink that
    /// lists a key twice is refused rather than silently reading it once).
    package static func duplicates(in partitions: [PartitionKey]) -> [PartitionKey] {
        var seen: Set<PartitionKey> = []
        var repeated: Set<PartitionKey> = []
        for key in partitions where !seen.insert(key).inserted { repeated.insert(key) }
        return repeated.sorted()
    }

    /// - Parameters:
    ///   - partitions: The partition keys (any order; sorted here).
    ///   - step: The step, whose stable hash rotates the first owner so that
    ///     several single-partition sources do not all land on worker 0.
    ///   - workerCount: Workers in the whole run.
    /// - Returns: The owning worker index of each partition key.
    package static func assign(_ partitions: [PartitionKey], step: StepID, workerCount: Int) -> [PartitionKey: Int] {
        let sorted = Array(Set(partitions)).sorted()
        let start = Int(StableHash.fnv1a(step.rawValue) % UInt64(workerCount))
        var owners: [PartitionKey: Int] = [:]
        for (index, key) in sorted.enumerated() {
            owners[key] = (start + index) % workerCount
        }
        return owners
    }
}
