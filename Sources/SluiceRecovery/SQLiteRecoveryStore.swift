import Foundation
import SluiceEngine
import Synchronization

/// A recovery store in a directory of SQLite files (`part-0.sqlite` …): the
/// durable `RecoveryStore` for production. Each worker writes its snapshots to
/// one partition file (worker mod partitions), one transaction per epoch; the
/// resume point is computed across all files.
///
/// ```swift
/// var config = RunConfiguration(workers: 4)
/// config.recoveryStore = try SQLiteRecoveryStore(directory: "/var/lib/job/recovery", flowID: flow.id)
/// try run(flow, configuration: config)
/// ```
///
/// A directory written by a different dataflow, by a newer Sluice, with a
/// missing or corrupt partition file, or on a read-only or full disk is
/// refused with an error naming the file; nothing is reset or overwritten.
///
/// Old data is garbage-collected while a run goes on: a key's version is
/// deleted once a newer version of it, in the same file, is at or before
/// the committed epoch minus ``backupEpochs`` (see
/// `SQLiteRecoveryStore+GarbageCollection.swift`).
public final class SQLiteRecoveryStore: RecoveryStore, @unchecked Sendable {
    // @unchecked: each partition's connection and bookkeeping are used under
    // the partition's own lock; the execution state is behind `state`'s mutex;
    // the sweep settings are set before a run starts.

    /// The running execution: its number and its committed epoch so far.
    struct ExecutionState {
        var execution: Int64 = 0
        var tracker = CommittedEpochTracker()
        /// The workers whose writes this store holds (all, except in a cluster member's store).
        var localWorkers: Range<Int>?
        /// A re-homing execution's first epoch, until the rows older than it are deleted (decision 0018).
        var rehomeCleanup: Int64?
    }

    /// Partitions a fresh directory gets unless told otherwise.
    public static let defaultPartitions = 4
    /// The most partition files a store may have (4,096): a worker writes
    /// one file, so more files than workers in the whole cluster buy nothing.
    public static let maxPartitions = 4_096

    /// The directory.
    public let directory: String
    /// How many epochs superseded versions are kept behind the committed
    /// epoch before they are deleted (0: only what the committed resume
    /// point needs). See ``init(directory:flowID:partitions:backupEpochs:)``.
    public let backupEpochs: Int
    /// The partition files, by index.
    let partitions: [RecoveryPartition]
    /// The running execution.
    let state = Mutex(ExecutionState())
    /// A file is swept (idle keys, discarded keys, old progress rows) once
    /// the collection threshold has moved this many epochs since its last
    /// sweep… (default 10)
    package var sweepEveryEpochs: Int64 = 10
    /// …and at least this many seconds have passed (default 60), so a short
    /// epoch interval does not sweep a large file over and over.
    package var sweepMinimumSeconds: Double = 60

    /// Opens a recovery directory, initializing it when it holds no store
    /// yet (no `part-N.sqlite` file), and claiming it for `flowID` when no
    /// dataflow has (a directory made by ``initialize(directory:partitions:)``).
    ///
    /// Before anything is written, every file must pass SQLite's integrity
    /// check and agree on the store's identity (store id, partition index,
    /// partition count, dataflow), and no file may have lost committed
    /// epochs (see `LostEpochs`); a store written before store ids gets
    /// one. A damaged store is refused naming the file, never re-created.
    /// - Parameters:
    ///   - directory: The recovery directory; created if missing.
    ///   - flowID: The dataflow's id; a directory written by another flow is refused.
    ///   - partitions: Partition files for a fresh directory (ignored for an existing one).
    ///   - backupEpochs: How many epochs a superseded version of a key is kept
    ///     behind the committed epoch before it is deleted. Default 0, as
    ///     Bytewax's `backup_interval` defaults to zero: keep only what
    ///     resuming from the committed epoch needs. Raise it when the files
    ///     are copied elsewhere one by one (a backup), to at least how many
    ///     epochs the copies can lag behind one another, so a set of copies
    ///     still resumes. `backupEpochs(for:epochInterval:)` converts a duration.
    /// - Throws: `RecoveryStoreError` naming the file and what to do, or an
    ///   SQLite error naming the file.
    public init(directory: String, flowID: String, partitions: Int = defaultPartitions, backupEpochs: Int = 0) throws {
        guard backupEpochs >= 0 else { throw RecoveryStoreError.invalidBackupEpochs(backupEpochs) }
        self.directory = directory
        self.backupEpochs = backupEpochs
        try RecoveryDirectory.ensureDirectory(directory)
        let connections = try RecoveryDirectory.withCreationLock(directory) { () throws -> [SQLiteConnection] in
            try RecoveryDirectory.finishInterruptedCreation(in: directory)
            let connections: [SQLiteConnection]
            if let count = try RecoveryDirectory.existingCount(in: directory) {
                try StoreOpenCheck.refuseDamage(in: directory, count: count, flowID: flowID)
                connections = try RecoveryDirectory.openForWriting(in: directory, count: count)
            } else {
                connections = try RecoveryDirectory.create(in: directory, count: partitions)
            }
            let files = try connections.enumerated().map { try FileIdentity.read(index: $0.offset, db: $0.element) }
            if let problem = StoreIdentity.problems(files, flowID: flowID).first { throw problem }
            if let lost = LostEpochs.find(files, partitionCount: files.count).first { throw lost }
            try StoreIdentity.upgradeAndClaim(files, connections: connections, flowID: flowID)
            return connections
        }
        self.partitions = connections.enumerated().map { RecoveryPartition(index: $0.offset, connection: $0.element) }
    }

    /// The backup epochs that keep at least `backupInterval` of superseded
    /// data: the interval divided by the epoch interval, rounded up.
    ///
    /// ```swift
    /// SQLiteRecoveryStore.backupEpochs(for: .seconds(25), epochInterval: .seconds(10))   // 3
    /// ```
    /// - Parameters:
    ///   - backupInterval: How long superseded data must be kept (zero or more).
    ///   - epochInterval: The run's epoch length (positive).
    /// - Returns: A whole number of epochs.
    public static func backupEpochs(for backupInterval: Duration, epochInterval: Duration) -> Int {
        let backup = max(0, backupInterval.totalNanoseconds)
        let epoch = max(1, epochInterval.totalNanoseconds)
        return Int((backup + epoch - 1) / epoch)
    }

    /// The number of partition files.
    public var partitionCount: Int { partitions.count }

    // MARK: RecoveryStore

    /// The last epoch every worker of some execution wrote (all ended: the highest).
    ///
    /// ```swift
    /// if let epoch = try store.committedEpoch() { print("a run resumes after epoch \(epoch)") }
    /// ```
    /// - Returns: The committed epoch, or nil when no execution has one yet.
    /// - Throws: An SQLite error naming the file.
    public func committedEpoch() throws -> Epoch? {
        try committedEpochValue().map { Epoch(UInt64($0)) }
    }

    /// Every file's progress rows.
    func progressRows() throws -> [ProgressRow] {
        try partitions.flatMap { partition in try partition.withConnection { try ProgressRow.all(in: $0) } }
    }

    /// The committed epoch as stored (nil: none).
    func committedEpochValue() throws -> Int64? {
        ProgressRow.committedEpoch(try progressRows())
    }

    /// The resume point: every key's latest state at or before the committed
    /// epoch, each verified against its checksum.
    /// - Throws: ``RecoveryStoreError/checksumMismatch(path:step:key:epoch:missing:)``
    ///   naming the file, step and key of a changed row; an SQLite error.
    public func resumePoint() throws -> ResumePoint? {
        guard let committed = try committedEpochValue() else { return nil }
        var latest = LatestVersions<[UInt8]?>()
        for partition in partitions {
            try partition.withConnection { try latest.read($0, atOrBefore: committed, verifyingChecksums: true) }
        }
        var states: [StepID: [String: [UInt8]]] = [:]
        for (step, keys) in latest.versions {
            let live = keys.compactMapValues(\.payload)
            if !live.isEmpty { states[StepID(step)] = live }
        }
        return ResumePoint(epoch: Epoch(UInt64(committed)), states: states)
    }

    public func beginExecution(workerCount: Int) throws {
        let rows = try progressRows()
        let committed = ProgressRow.committedEpoch(rows)
        let winners = ProgressRow.committedEpochs(rows).filter { $0.value == committed }.keys
        try compactForNewExecution(committed: committed, progress: rows)
        let next = (rows.map(\.execution).max() ?? 0) + 1
        // A single process is process 0 of 1 (so a later cluster finds who wrote what).
        let record = MembershipRecord(
            execution: next, process: 0, processCount: 1, workerCount: workerCount, firstEpoch: (committed ?? 0) + 1,
            rehomed: false, floor: 0)
        for partition in partitions {
            try partition.withConnection { db in
                try db.transaction { try MembershipRows.replace(keeping: Array(winners), with: record, in: db) }
            }
        }
        state.withLock {
            $0.execution = next
            $0.tracker.begin(workerCount: workerCount, committed: committed)
            $0.localWorkers = nil
            $0.rehomeCleanup = nil
        }
    }

    /// Begins an execution of a cluster whose processes keep their own
    /// stores (decision 0018), as the cluster agreed: drops the versions
    /// after the resume epoch and before the read floor, keeps only the
    /// progress of the execution that committed it, records the lineage and
    /// this process's membership in every file, and collects old versions.
    /// - Throws: An SQLite error naming the file.
    package func beginMember(_ plan: MemberPlan) throws {
        let record = plan.membership
        let resume = plan.resumeEpoch
        let keep = plan.winner.map { [$0] } ?? []
        for partition in partitions {
            try partition.withConnection { db in
                try db.transaction {
                    let stale = try db.prepare("DELETE FROM snapshots WHERE epoch > ?1 OR epoch < ?2")
                    try stale.bind(resume ?? 0, at: 1)
                    try stale.bind(record.floor, at: 2)
                    try stale.run()
                    let progress = try db.prepare("DELETE FROM progress WHERE execution <> ?1")
                    try progress.bind(plan.winner ?? -1, at: 1)
                    try progress.run()
                    try MembershipRows.replace(keeping: keep, with: record, in: db)
                    try RecoveryDirectory.setMeta(RecoverySchema.lineageKey, plan.lineage, in: db)
                }
                try db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
        if let resume { try collect(threshold: resume - Int64(backupEpochs)) }
        state.withLock {
            $0.execution = record.execution
            $0.tracker.begin(workerCount: record.workerCount, committed: resume)
            $0.localWorkers = record.workers
            $0.rehomeCleanup = record.rehomed ? record.firstEpoch : nil
        }
    }

    /// The engine's committed epoch across the cluster: the collection
    /// threshold follows it (this store sees only its own workers' writes).
    public func clusterCommitted(_ epoch: Epoch) {
        state.withLock { $0.tracker.clusterCommitted(Int64(epoch.rawValue)) }
    }

    public func markExecution(_ token: String) throws {
        try partitions[0].withConnection { try RecoveryDirectory.setMeta(RecoverySchema.executionMarkKey, token, in: $0) }
    }

    public func executionMark() throws -> String? {
        try partitions[0].withConnection { try RecoveryDirectory.meta(RecoverySchema.executionMarkKey, in: $0) }
    }

    public func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        let partition = partitions[worker.rawValue % partitions.count]
        let backupEpochs = self.backupEpochs
        let (execution, workerCount, threshold) = state.withLock {
            ($0.execution, $0.tracker.workerCount, $0.tracker.collectionThreshold(backupEpochs: backupEpochs))
        }
        let epochValue = Int64(epoch.rawValue)
        try partition.withConnection { db in
            try db.transaction {
                let insert = try partition.statement(
                    "INSERT OR REPLACE INTO snapshots (step, key, epoch, state, checksum) VALUES (?1, ?2, ?3, ?4, ?5)")
                for record in records {
                    insert.reset()
                    try insert.bind(record.step.rawValue, at: 1)
                    try insert.bind(record.key, at: 2)
                    try insert.bind(epochValue, at: 3)
                    if let state = record.state { try insert.bind(state, at: 4) } else { try insert.bindNull(at: 4) }
                    try insert.bind(
                        RowChecksum.of(step: record.step.rawValue, key: record.key, epoch: epochValue, state: record.state),
                        at: 5)
                    try insert.run()
                }
                if let threshold {
                    try pruneSuperseded(records, in: partition, threshold: threshold)
                    // In the pruning transaction: a file that deleted versions says up to where.
                    try recordCommittedThrough(threshold, in: partition)
                }
                let progress = try partition.statement(
                    "INSERT OR REPLACE INTO progress (execution, worker, worker_count, epoch, ended) VALUES (?1, ?2, ?3, ?4, ?5)")
                try progress.bind(execution, at: 1)
                try progress.bind(Int64(worker.rawValue), at: 2)
                try progress.bind(Int64(workerCount), at: 3)
                try progress.bind(epochValue, at: 4)
                try progress.bind(Int64(ended ? 1 : 0), at: 5)
                try progress.run()
            }
        }
        // Only a durable write moves the committed epoch.
        let (known, cleanup) = state.withLock { state -> (Int64?, Int64?) in
            state.tracker.recordWrite(worker: worker.rawValue, epoch: epochValue, ended: ended)
            var cleanup: Int64?
            if let first = state.rehomeCleanup, let committed = state.tracker.committed, committed >= first {
                cleanup = first
                state.rehomeCleanup = nil
            }
            return (state.tracker.collectionThreshold(backupEpochs: backupEpochs), cleanup)
        }
        if let cleanup { try dropBeforeRehome(cleanup) }
        try afterWrite(partition, known: known)
        try sweepIfDue(partition)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    fileprivate var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
