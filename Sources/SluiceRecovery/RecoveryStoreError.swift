/// Why a recovery directory is refused or cannot be created. Every case
/// names the directory or the partition file.
///
/// ```swift
/// do {
///     _ = try SQLiteRecoveryStore(directory: "/var/lib/job/recovery", flowID: "orders")
/// } catch let error as RecoveryStoreError {
///     print(error)   // e.g. recovery file '…/part-0.sqlite' belongs to dataflow 'payments', not 'orders'; …
/// }
/// ```
public enum RecoveryStoreError: Error, Sendable, CustomStringConvertible {
    /// The path exists but is not a directory.
    case notADirectory(path: String)
    /// A partition file is missing from an existing directory.
    case missingPartition(path: String, partitions: Int)
    /// The directory was written by another dataflow.
    case differentFlow(path: String, stored: String, expected: String)
    /// `initialize` was asked to create a store where one already is.
    case alreadyInitialized(path: String, partitions: Int, flowID: String?)
    /// A partition file records a different number of partition files than the directory holds.
    case partitionCountMismatch(path: String, recorded: Int, found: Int)
    /// The directory holds no partition files (inspecting or checking it).
    case notAStore(path: String)
    /// A store needs at least one partition file.
    case invalidPartitionCount(Int)
    /// Backup epochs cannot be negative.
    case invalidBackupEpochs(Int)

    public var description: String {
        switch self {
        case let .notADirectory(path): return "recovery path '\(path)' is not a directory"
        case let .missingPartition(path, partitions):
            return "recovery partition file '\(path)' is missing (the directory has \(partitions) partitions); restore it or start a fresh directory"
        case let .differentFlow(path, stored, expected):
            return "recovery file '\(path)' belongs to dataflow '\(stored)', not '\(expected)'; use another directory"
        case let .alreadyInitialized(path, partitions, flowID):
            let owner = flowID.map { "of dataflow '\($0)'" } ?? "not yet claimed by a dataflow"
            return "recovery directory '\(path)' already holds a store (\(partitions) partition files, \(owner)); "
                + "use another directory, or delete this one to start over"
        case let .partitionCountMismatch(path, recorded, found):
            return "recovery file '\(path)' belongs to a store of \(recorded) partition files, but the directory holds \(found); "
                + "remove the extra files or restore the store's own"
        case let .notAStore(path):
            return "'\(path)' holds no recovery store (no part-N.sqlite files)"
        case let .invalidPartitionCount(count):
            return "a recovery store needs at least 1 partition file, got \(count)"
        case let .invalidBackupEpochs(count):
            return "the backup interval must be zero or more epochs, got \(count)"
        }
    }
}
