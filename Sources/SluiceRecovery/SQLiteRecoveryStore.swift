import Foundation
import SluiceEngine

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
public final class SQLiteRecoveryStore: RecoveryStore, @unchecked Sendable {
    // @unchecked: each partition's connection is used under its own lock, and
    // `execution`/`workerCount` are set in `beginExecution` before workers start.
    private final class Partition {
        let path: String
        let connection: SQLiteConnection
        let lock = NSLock()
        init(path: String, connection: SQLiteConnection) {
            self.path = path
            self.connection = connection
        }
    }

    /// Partitions a fresh directory gets unless told otherwise.
    public static let defaultPartitions = 4

    /// The directory.
    public let directory: String
    private let partitions: [Partition]
    private var execution: Int64 = 0
    private var workerCount = 0

    /// Opens (or initializes) a recovery directory.
    /// - Parameters:
    ///   - directory: The recovery directory; created if missing.
    ///   - flowID: The dataflow's id; a directory written by another flow is refused.
    ///   - partitions: Partition files for a fresh directory (ignored for an existing one).
    /// - Throws: `RecoveryStoreError`, or an SQLite error naming the file.
    public init(directory: String, flowID: String, partitions: Int = defaultPartitions) throws {
        self.directory = directory
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RecoveryStoreError.notADirectory(path: directory) }
        } else {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let existing = try Self.partitionIndices(in: directory)
        let count = existing.isEmpty ? max(1, partitions) : existing.max()! + 1
        if !existing.isEmpty {
            for index in 0..<count where !existing.contains(index) {
                throw RecoveryStoreError.missingPartition(path: Self.path(directory, index), partitions: count)
            }
        }
        self.partitions = try (0..<count).map { index in
            let path = Self.path(directory, index)
            let connection = try SQLiteConnection(path: path)
            _ = try RecoverySchema.migrations.apply(to: connection)
            let stored = try connection.scalarText("SELECT value FROM meta WHERE key = '\(RecoverySchema.flowIDKey)'")
            if let stored {
                guard stored == flowID else {
                    throw RecoveryStoreError.differentFlow(path: path, stored: stored, expected: flowID)
                }
            } else {
                let insert = try connection.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")
                try insert.bind(RecoverySchema.flowIDKey, at: 1)
                try insert.bind(flowID, at: 2)
                try insert.run()
            }
            return Partition(path: path, connection: connection)
        }
    }

    /// The number of partition files.
    public var partitionCount: Int { partitions.count }

    static func path(_ directory: String, _ index: Int) -> String { "\(directory)/part-\(index).sqlite" }

    static func partitionIndices(in directory: String) throws -> Set<Int> {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return Set(names.compactMap { name in
            guard name.hasPrefix("part-"), name.hasSuffix(".sqlite") else { return nil }
            return Int(name.dropFirst(5).dropLast(7))
        })
    }

    private func withPartition<T>(_ partition: Partition, _ body: (SQLiteConnection) throws -> T) throws -> T {
        partition.lock.lock()
        defer { partition.lock.unlock() }
        return try body(partition.connection)
    }

    // MARK: RecoveryStore

    /// The last epoch every worker of some execution wrote (all ended: the highest).
    public func committedEpoch() throws -> Epoch? {
        var rows: [Int64: [(worker: Int64, count: Int64, epoch: Int64, ended: Bool)]] = [:]
        for partition in partitions {
            try withPartition(partition) { db in
                let query = try db.prepare("SELECT execution, worker, worker_count, epoch, ended FROM progress")
                while try query.step() {
                    rows[query.int64(at: 0)!, default: []].append(
                        (query.int64(at: 1)!, query.int64(at: 2)!, query.int64(at: 3)!, query.int64(at: 4)! != 0))
                }
            }
        }
        var committed: Int64?
        for workers in rows.values {
            guard let count = workers.first?.count, Set(workers.map(\.worker)).count == Int(count) else { continue }
            let running = workers.filter { !$0.ended }.map(\.epoch)
            let epoch = running.min() ?? workers.map(\.epoch).max()!
            committed = max(committed ?? epoch, epoch)
        }
        return committed.map { Epoch(UInt64($0)) }
    }

    public func resumePoint() throws -> ResumePoint? {
        guard let committed = try committedEpoch() else { return nil }
        var latest: [StepID: [String: (epoch: Int64, state: [UInt8]?)]] = [:]
        for partition in partitions {
            try withPartition(partition) { db in
                let query = try db.prepare(
                    """
                    SELECT s.step, s.key, s.epoch, s.state FROM snapshots s
                    JOIN (SELECT step, key, max(epoch) AS e FROM snapshots WHERE epoch <= ?1 GROUP BY step, key) m
                    ON s.step = m.step AND s.key = m.key AND s.epoch = m.e
                    """)
                try query.bind(Int64(committed.rawValue), at: 1)
                while try query.step() {
                    let step = StepID(query.string(at: 0)!)
                    let key = query.string(at: 1)!
                    let epoch = query.int64(at: 2)!
                    if let known = latest[step]?[key], known.epoch >= epoch { continue }
                    latest[step, default: [:]][key] = (epoch, query.blob(at: 3))
                }
            }
        }
        let states = latest.mapValues { keys in keys.compactMapValues { $0.state } }.filter { !$0.value.isEmpty }
        return ResumePoint(epoch: committed, states: states)
    }

    public func beginExecution(workerCount: Int) throws {
        let committed = try committedEpoch().map { Int64($0.rawValue) } ?? 0
        var lastExecution: Int64 = 0
        for partition in partitions {
            try withPartition(partition) { db in
                try db.transaction {
                    // Rows after the committed epoch belong to no complete snapshot.
                    let stale = try db.prepare("DELETE FROM snapshots WHERE epoch > ?1")
                    try stale.bind(committed, at: 1)
                    try stale.run()
                    // Keep only each key's latest row (in this file) at or before it.
                    try db.execute(
                        """
                        DELETE FROM snapshots WHERE epoch < (SELECT max(epoch) FROM snapshots AS later
                            WHERE later.step = snapshots.step AND later.key = snapshots.key)
                        """)
                }
                lastExecution = max(lastExecution, try db.scalarInt("SELECT coalesce(max(execution), 0) FROM progress") ?? 0)
            }
        }
        execution = lastExecution + 1
        self.workerCount = workerCount
    }

    public func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        let partition = partitions[worker.rawValue % partitions.count]
        try withPartition(partition) { db in
            try db.transaction {
                let insert = try db.prepare("INSERT OR REPLACE INTO snapshots (step, key, epoch, state) VALUES (?1, ?2, ?3, ?4)")
                for record in records {
                    insert.reset()
                    try insert.bind(record.step.rawValue, at: 1)
                    try insert.bind(record.key, at: 2)
                    try insert.bind(Int64(epoch.rawValue), at: 3)
                    if let state = record.state { try insert.bind(state, at: 4) } else { try insert.bindNull(at: 4) }
                    try insert.run()
                }
                let progress = try db.prepare(
                    "INSERT OR REPLACE INTO progress (execution, worker, worker_count, epoch, ended) VALUES (?1, ?2, ?3, ?4, ?5)")
                try progress.bind(execution, at: 1)
                try progress.bind(Int64(worker.rawValue), at: 2)
                try progress.bind(Int64(workerCount), at: 3)
                try progress.bind(Int64(epoch.rawValue), at: 4)
                try progress.bind(Int64(ended ? 1 : 0), at: 5)
                try progress.run()
            }
        }
    }
}

/// Why a recovery directory is refused.
public enum RecoveryStoreError: Error, CustomStringConvertible {
    /// The path exists but is not a directory.
    case notADirectory(path: String)
    /// A partition file is missing from an existing directory.
    case missingPartition(path: String, partitions: Int)
    /// The directory was written by another dataflow.
    case differentFlow(path: String, stored: String, expected: String)

    public var description: String {
        switch self {
        case let .notADirectory(path): return "recovery path '\(path)' is not a directory"
        case let .missingPartition(path, partitions):
            return "recovery partition file '\(path)' is missing (the directory has \(partitions) partitions); restore it or start a fresh directory"
        case let .differentFlow(path, stored, expected):
            return "recovery file '\(path)' belongs to dataflow '\(stored)', not '\(expected)'; use another directory"
        }
    }
}
