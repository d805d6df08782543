import SluiceEngine
import SluiceRecovery

/// A recovery store whose committed snapshots are uploaded to a backup:
/// the SQLite store, with each durable write telling the uploader the
/// committed epoch the store has seen (a cheap in-memory value), and the
/// start of an execution (which compacts the files) kept apart from uploads.
///
/// ```swift
/// let store = try SQLiteRecoveryStore(directory: dir, flowID: flow.id)
/// let uploader = BackupUploader(backup: backup, directory: dir, name: "process-0", store: store)
/// var config = RunConfiguration(workers: 2)
/// config.recoveryStore = BackedUpRecoveryStore(store: store, uploader: uploader)
/// try run(flow, configuration: config)
/// try uploader.finish()
/// ```
public final class BackedUpRecoveryStore: RecoveryStore {
    /// The store.
    public let store: SQLiteRecoveryStore
    /// Its uploader.
    public let uploader: BackupUploader

    /// Wraps `store`; `uploader` must upload the same directory.
    public init(store: SQLiteRecoveryStore, uploader: BackupUploader) {
        self.store = store
        self.uploader = uploader
    }

    /// The store's resume point.
    public func resumePoint() throws -> ResumePoint? { try store.resumePoint() }

    /// Starts an execution of the store (its compaction runs while no upload reads the files; the next upload is a base).
    public func beginExecution(workerCount: Int) throws {
        try uploader.pausingUploads { try store.beginExecution(workerCount: workerCount) }
    }

    /// Writes to the store, then tells the uploader the committed epoch the store has seen.
    public func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        try store.write(epoch: epoch, worker: worker, records: records, ended: ended)
        if let committed = store.trackedCommittedEpoch { uploader.committed(committed) }
    }

    /// Records the running execution's token in the store.
    public func markExecution(_ token: String) throws { try store.markExecution(token) }

    /// The store's execution token.
    public func executionMark() throws -> String? { try store.executionMark() }
}
