import Foundation
import SluiceEngine
import Synchronization

/// The recovery store of one process of a cluster, on that process's own
/// disk (decision 0018): `DIR/process-<p>/`, a directory of SQLite files
/// like ``SQLiteRecoveryStore``'s. One host's directory shared by a local
/// cluster and one directory per host follow the same rule. The processes
/// agree on the resume epoch over their own connections at start, read
/// the state their stores hold and send it to the keys' new owners; no
/// process ever opens another host's files.
///
/// ```swift
/// var config = RunConfiguration(workers: 2)
/// config.recoveryStore = try SQLiteMemberStore(clusterDirectory: "/var/lib/job", process: 1, flowID: flow.id)
/// try run(flow, configuration: config, cluster: cluster)
/// ```
///
/// Opening takes a lock (`DIR/.process-<p>.lock`, held while the store is
/// open; see `MemberStoreLock`), so a second process with the same id and directory is refused
/// naming the directory and the holder's pid; an existing own store must
/// pass the same checks as ``SQLiteRecoveryStore`` (integrity, identity,
/// dataflow, no lost epochs). The files are opened for writing only once
/// the cluster agreed (the engine calls `begin`).
public final class SQLiteMemberStore: RecoveryStore, LocalRecoveryStore, @unchecked Sendable {
    // @unchecked: the settings are immutable; the open store and the paths of
    // the stores reported are behind mutexes; the lock is given back only in deinit.

    /// The cluster's recovery directory (`-r`).
    public let clusterDirectory: String
    /// This process's id.
    public let process: Int
    /// This process's own store: `clusterDirectory/process-<process>`.
    public let directory: String
    private let flowID: String
    private let partitionCount: Int
    /// How many epochs superseded versions are kept (as ``SQLiteRecoveryStore/backupEpochs``).
    public let backupEpochs: Int
    private let lockPath: String
    private let store = Mutex<SQLiteRecoveryStore?>(nil)
    /// Where each store this process reported lives, by store id.
    private let reported = Mutex<[String: String]>([:])

    /// Opens (without writing) process `process`'s store in `clusterDirectory`.
    /// - Parameters:
    ///   - clusterDirectory: The cluster's recovery directory (created if missing).
    ///   - process: This process's id (0-based).
    ///   - flowID: The dataflow's id; a store of another flow is refused.
    ///   - partitions: Partition files of a fresh own store.
    ///   - backupEpochs: As ``SQLiteRecoveryStore/backupEpochs``.
    /// - Throws: ``RecoveryStoreError/storeInUse(path:pid:)`` when another
    ///   process holds the store; any error of ``SQLiteRecoveryStore``'s checks, naming the file.
    public init(
        clusterDirectory: String, process: Int, flowID: String, partitions: Int = SQLiteRecoveryStore.defaultPartitions,
        backupEpochs: Int = 0
    ) throws {
        guard backupEpochs >= 0 else { throw RecoveryStoreError.invalidBackupEpochs(backupEpochs) }
        guard (1...SQLiteRecoveryStore.maxPartitions).contains(partitions) else {
            throw RecoveryStoreError.invalidPartitionCount(partitions)
        }
        self.clusterDirectory = clusterDirectory
        self.process = process
        self.directory = Self.memberDirectory(clusterDirectory, process)
        self.flowID = flowID
        self.partitionCount = partitions
        self.backupEpochs = backupEpochs
        try RecoveryDirectory.ensureDirectory(clusterDirectory)
        lockPath = try MemberStoreLock.acquire("\(clusterDirectory)/.process-\(process).lock", store: directory)
        do {
            if let count = try Self.storeCount(directory) {
                try StoreOpenCheck.refuseDamage(in: directory, count: count, flowID: flowID)
            }
        } catch {
            MemberStoreLock.release(lockPath)
            throw error
        }
    }

    deinit { MemberStoreLock.release(lockPath) }

    /// The own store of process `process` in `clusterDirectory`.
    ///
    /// ```swift
    /// SQLiteMemberStore.memberDirectory("/data", 2)   // "/data/process-2"
    /// ```
    public static func memberDirectory(_ clusterDirectory: String, _ process: Int) -> String {
        "\(clusterDirectory)/process-\(process)"
    }

    /// The process ids of the `process-<p>` directories in `clusterDirectory`, sorted.
    ///
    /// ```swift
    /// try SQLiteMemberStore.memberProcesses(in: "/data")   // [0, 1, 2]
    /// ```
    /// - Throws: ``RecoveryStoreError/unusablePath(path:reason:)`` when the directory cannot be listed.
    public static func memberProcesses(in clusterDirectory: String) throws -> [Int] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: clusterDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [] }
        return try RecoveryDirectory.entries(of: clusterDirectory).compactMap { name -> Int? in
            guard name.hasPrefix("process-"), let id = Int(name.dropFirst(8)), id >= 0, "process-\(id)" == name else {
                return nil
            }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: "\(clusterDirectory)/\(name)", isDirectory: &isDirectory)
            return exists && isDirectory.boolValue ? id : nil
        }.sorted()
    }

    /// Partition files of a store directory (nil: no store there).
    private static func storeCount(_ directory: String) throws -> Int? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return try RecoveryDirectory.existingCount(in: directory)
    }

    // MARK: LocalRecoveryStore

    package var processIndex: Int { process }

    package func summaries(processCount: Int) throws -> [StoreSummary] {
        var found: [(path: String, owner: Int?)] = []
        if try Self.storeCount(directory) != nil { found.append((directory, process)) }
        for id in try Self.memberProcesses(in: clusterDirectory) where id >= processCount {
            let path = Self.memberDirectory(clusterDirectory, id)
            if try Self.storeCount(path) != nil { found.append((path, nil)) }
        }
        if try RecoveryDirectory.existingCount(in: clusterDirectory) != nil { found.append((clusterDirectory, nil)) }
        var summaries: [StoreSummary] = []
        for (path, owner) in found {
            if owner == nil, let count = try RecoveryDirectory.existingCount(in: path) {
                try StoreOpenCheck.refuseDamage(in: path, count: count, flowID: flowID)
            }
            summaries.append(try Self.summary(of: path, owner: owner))
        }
        reported.withLock { paths in
            for summary in summaries { paths[summary.storeID] = summary.path }
        }
        return summaries
    }

    /// What a store directory says about itself (read-only).
    static func summary(of path: String, owner: Int?) throws -> StoreSummary {
        let files = try RecoveryDirectory.openReadOnly(path)
        let identities = try files.map { try FileIdentity.read(index: $0.index, db: $0.db) }
        let format = try files.first.flatMap { try RecoveryDirectory.meta(RecoverySchema.formatVersionKey, in: $0.db) }
        var memberships: [Int64: MembershipRecord] = [:]
        for record in identities.flatMap(\.memberships) { memberships[record.execution] = record }
        return StoreSummary(
            path: path, storeID: identities.lazy.compactMap(\.storeID).first ?? "path:\(path)",
            lineage: identities.lazy.compactMap(\.lineage).first, flowID: identities.lazy.compactMap(\.flowID).first,
            formatVersion: format.flatMap { Int($0) }, ownerProcess: owner,
            memberships: memberships.values.sorted { $0.execution < $1.execution },
            progress: Array(Set(identities.flatMap(\.progress))).map(\.engineRow),
            committedThrough: identities.compactMap(\.committedThrough).max())
    }

    package func latestVersions(storeIDs: Set<String>, atOrBefore epoch: Int64, floor: Int64) throws -> [VersionedRecord] {
        let paths = reported.withLock { paths in storeIDs.compactMap { paths[$0] } }
        return try paths.sorted().flatMap { try Self.latestVersions(in: $0, atOrBefore: epoch, floor: floor) }
    }

    /// Every key's latest version in the store at `path`, at or before `epoch` and not older than `floor`.
    static func latestVersions(in path: String, atOrBefore epoch: Int64, floor: Int64) throws -> [VersionedRecord] {
        var latest = LatestVersions<[UInt8]?>()
        for file in try RecoveryDirectory.openReadOnly(path) {
            try latest.read(file.db, atOrBefore: epoch, floor: floor, verifyingChecksums: true)
        }
        var records: [VersionedRecord] = []
        for (step, keys) in latest.versions {
            for (key, version) in keys {
                records.append(VersionedRecord(step: step, key: key, epoch: version.epoch, state: version.payload))
            }
        }
        return records
    }

    package func begin(_ plan: MemberPlan) throws {
        if plan.moveAside, try Self.storeCount(directory) != nil {
            var aside = "\(directory).stale-\(plan.membership.execution)"
            var suffix = 1
            while FileManager.default.fileExists(atPath: aside) {
                suffix += 1
                aside = "\(directory).stale-\(plan.membership.execution)-\(suffix)"
            }
            if rename(directory, aside) != 0 {
                throw RecoveryStoreError.unusablePath(
                    path: directory, reason: "cannot move the stale store aside to '\(aside)': \(RecoveryDirectory.systemReason(errno))")
            }
        }
        let opened = try SQLiteRecoveryStore(
            directory: directory, flowID: flowID, partitions: partitionCount, backupEpochs: backupEpochs)
        try opened.beginMember(plan)
        store.withLock { $0 = opened }
    }

    // MARK: RecoveryStore

    /// The resume point of this process's own store alone, or nil before
    /// the run began (a cluster's resume point is agreed at start).
    public func resumePoint() throws -> ResumePoint? {
        try store.withLock { $0 }?.resumePoint()
    }

    /// Not used: a member store begins when the cluster agreed (through the engine).
    /// - Throws: Always, naming the directory.
    public func beginExecution(workerCount: Int) throws {
        throw RecoveryStoreError.unusablePath(
            path: directory, reason: "a cluster member's store begins when the cluster agreed on where to resume")
    }

    public func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        guard let opened = store.withLock({ $0 }) else {
            throw RecoveryStoreError.unusablePath(path: directory, reason: "written before the execution began")
        }
        try opened.write(epoch: epoch, worker: worker, records: records, ended: ended)
    }

    public func clusterCommitted(_ epoch: Epoch) {
        store.withLock { $0 }?.clusterCommitted(epoch)
    }

    /// The own store, once the execution began (for inspection in tests).
    package var openedStore: SQLiteRecoveryStore? { store.withLock { $0 } }
}
