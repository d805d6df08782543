import SluiceEngine
import SluiceRecovery
import Synchronization

/// A cluster member's own store (``SQLiteMemberStore``, decision 0018) whose
/// committed snapshots are uploaded by a ``BackupUploader``. The member
/// opens its files only once the cluster agreed where to resume, so the
/// uploader starts then; each write and each cluster-wide commit tells it
/// how far the store is committed.
///
/// ```swift
/// let member = try SQLiteMemberStore(clusterDirectory: "/data", process: 1, flowID: flow.id)
/// let store = BackedUpMemberStore(member: member) { opened in
///     BackupUploader(backup: backup, directory: member.directory, name: "\(flow.id)/process-1", store: opened)
/// }
/// ```
public final class BackedUpMemberStore: RecoveryStore, LocalRecoveryStore, @unchecked Sendable {
    // @unchecked: the member store is thread-safe; the uploader is set once,
    // behind its mutex, and is itself thread-safe.

    /// The member store.
    public let member: SQLiteMemberStore
    private let makeUploader: (SQLiteRecoveryStore) -> BackupUploader
    private let started = Mutex<BackupUploader?>(nil)

    /// Wraps `member`; `makeUploader` is called once, with the opened store, when the execution begins.
    public init(member: SQLiteMemberStore, makeUploader: @escaping (SQLiteRecoveryStore) -> BackupUploader) {
        self.member = member
        self.makeUploader = makeUploader
    }

    /// The uploader, once the execution began.
    public var uploader: BackupUploader? { started.withLock { $0 } }

    package var processIndex: Int { member.processIndex }

    package func summaries(processCount: Int) throws -> [StoreSummary] {
        try member.summaries(processCount: processCount)
    }

    package func latestVersions(storeIDs: Set<String>, atOrBefore epoch: Int64, floor: Int64) throws -> [VersionedRecord] {
        try member.latestVersions(storeIDs: storeIDs, atOrBefore: epoch, floor: floor)
    }

    package func begin(_ plan: MemberPlan) throws {
        try member.begin(plan)
        guard let opened = member.openedStore else { return }
        started.withLock { uploader in
            if uploader == nil { uploader = makeUploader(opened) }
        }
        tellCommitted()
    }

    public func resumePoint() throws -> ResumePoint? { try member.resumePoint() }

    public func beginExecution(workerCount: Int) throws { try member.beginExecution(workerCount: workerCount) }

    public func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        try member.write(epoch: epoch, worker: worker, records: records, ended: ended)
        tellCommitted()
    }

    public func clusterCommitted(_ epoch: Epoch) {
        member.clusterCommitted(epoch)
        tellCommitted()
    }

    private func tellCommitted() {
        guard let uploader, let committed = member.openedStore?.trackedCommittedEpoch else { return }
        uploader.committed(committed)
    }
}
