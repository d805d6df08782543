/// Creating an empty recovery directory ahead of a run (`sluice recovery init`).
///
/// ```swift
/// try SQLiteRecoveryStore.initialize(directory: "/var/lib/job/recovery", partitions: 8)
/// // the first run with this directory claims it for its dataflow
/// ```
extension SQLiteRecoveryStore {
    /// Creates a fresh store of `partitions` files in `directory` (created
    /// if missing), with a new store id, claimed by no dataflow yet: the
    /// first run that opens it claims it. The files are written under
    /// temporary names and renamed into place, so a crash leaves either no
    /// store or one the next open completes. A run given a directory without a store initializes it
    /// itself, so this is only needed to choose the partition count ahead.
    ///
    /// ```swift
    /// let files = try SQLiteRecoveryStore.initialize(directory: "/tmp/recovery", partitions: 2)
    /// print(files)   // ["/tmp/recovery/part-0.sqlite", "/tmp/recovery/part-1.sqlite"]
    /// ```
    /// - Parameters:
    ///   - directory: The recovery directory (missing or without partition files).
    ///   - partitions: How many partition files (at least 1); at most this
    ///     many workers write in parallel.
    /// - Returns: The paths of the files created.
    /// - Throws: ``RecoveryStoreError/alreadyInitialized(path:partitions:flowID:)``
    ///   when the directory already holds partition files (nothing is touched),
    ///   ``RecoveryStoreError/invalidPartitionCount(_:)``, or an error naming the file.
    @discardableResult
    public static func initialize(directory: String, partitions: Int = defaultPartitions) throws -> [String] {
        guard (1...maxPartitions).contains(partitions) else { throw RecoveryStoreError.invalidPartitionCount(partitions) }
        try RecoveryDirectory.ensureDirectory(directory)
        return try RecoveryDirectory.withCreationLock(directory) {
            try RecoveryDirectory.finishInterruptedCreation(in: directory)
            try RecoveryDirectory.refuseOrphanedLogs(in: directory)
            let existing = try RecoveryDirectory.partitionIndices(in: directory)
            if let highest = existing.max() {
                let owner = try? existing.min().flatMap { index -> String? in
                    let db = try SQLiteConnection(path: RecoveryDirectory.path(directory, index), options: .init(readOnly: true))
                    return try RecoveryDirectory.meta(RecoverySchema.flowIDKey, in: db)
                }
                throw RecoveryStoreError.alreadyInitialized(path: directory, partitions: highest + 1, flowID: owner ?? nil)
            }
            return try RecoveryDirectory.create(in: directory, count: partitions).map(\.path)
        }
    }
}
