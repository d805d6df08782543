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
    /// The directory (or a file in it) cannot be created or read: the
    /// reason is a plain sentence (a part of the path is a file, permission
    /// denied, …).
    case unusablePath(path: String, reason: String)
    /// A partition file's write-ahead log (or index) is there without the
    /// file itself: the store's files were deleted, and a new file of that
    /// name would take the old log's pages.
    case orphanedLog(path: String, database: String)
    /// A partition file is empty (0 bytes, or no tables) while it belongs to an existing store.
    case emptyPartition(path: String)
    /// A partition file lost metadata (`what`: its store id, flow id or
    /// partition index) that its sibling files have.
    case lostMetadata(path: String, what: String)
    /// A partition file belongs to another store (its store id differs from its siblings').
    case differentStore(path: String, stored: String, expected: String, expectedIn: String)
    /// A partition file records another partition index than its name says.
    case wrongPartitionIndex(path: String, recorded: String)
    /// A partition file went back in time: its progress stops before epochs
    /// the store knows were committed (`lastKept` nil: it has no progress at all).
    case lostCommittedEpochs(path: String, lastKept: Int64?, through: Int64)
    /// SQLite's integrity check complains about a partition file.
    case failedIntegrityCheck(path: String, complaint: String)
    /// A stored state row does not match its checksum (or has none where every row must).
    case checksumMismatch(path: String, step: String, key: String, epoch: Int64, missing: Bool)
    /// Another process holds the store's lock (`pid`: the holder's process id, when it recorded one).
    case storeInUse(path: String, pid: String?)

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
            return "a recovery store has from 1 to \(SQLiteRecoveryStore.maxPartitions) partition files, got \(count)"
        case let .invalidBackupEpochs(count):
            return "the backup interval must be zero or more epochs, got \(count)"
        case let .orphanedLog(path, database):
            return "recovery directory holds '\(path)' without '\(database)': the store's files were deleted or moved; "
                + "restore them, or remove the leftover files to start a fresh store"
        case let .unusablePath(path, reason):
            return "cannot use recovery path '\(path)': \(reason)"
        case let .emptyPartition(path):
            return "recovery file '\(path)' is empty (0 bytes or no tables) while it belongs to an existing store "
                + "(it was truncated or replaced); restore it from a backup or start a fresh directory"
        case let .lostMetadata(path, what):
            return "recovery file '\(path)' lost its \(what), which its sibling files have (its write-ahead log "
                + "was deleted or damaged, or the file was replaced?); restore it from a backup or start a fresh directory"
        case let .differentStore(path, stored, expected, expectedIn):
            return "recovery file '\(path)' belongs to another store (store id \(stored)), not to the store of "
                + "'\(expectedIn)' (store id \(expected)); put the store's own file back or start a fresh directory"
        case let .wrongPartitionIndex(path, recorded):
            return "recovery file '\(path)' is partition file \(recorded) of its store, not the one its name says; "
                + "put the files back under their own names"
        case let .lostCommittedEpochs(path, lastKept, through):
            let lost = lastKept.map { $0 + 1 == through ? "committed epoch \(through)" : "committed epochs \($0 + 1)–\(through)" }
                ?? "its progress rows (epochs up to \(through) were committed)"
            return "recovery file '\(path)' lost \(lost) (its write-ahead log was deleted or damaged?); "
                + "restore it from a backup or start a fresh directory"
        case let .failedIntegrityCheck(path, complaint):
            return "recovery file '\(path)' fails SQLite's integrity check: \(complaint); "
                + "restore it from a backup or start a fresh directory"
        case let .checksumMismatch(path, step, key, epoch, missing):
            return "recovery file '\(path)': the state of step '\(step)', key '\(key)' at epoch \(epoch) "
                + (missing ? "has no checksum, though the file was written with checksums" : "does not match its checksum")
                + " (the file was changed or damaged); restore it from a backup or start a fresh directory"
        case let .storeInUse(path, pid):
            return "recovery store '\(path)' is in use by another process" + (pid.map { " (pid \($0))" } ?? "")
                + ": two processes of a cluster must not share a process id and directory; give each its own -i or -r"
        }
    }
}
