import Foundation

/// What one partition file says about itself: its meta values, progress rows,
/// snapshot row count and size. Read for inspection and integrity checks.
///
/// ```swift
/// let facts = try PartitionFacts.read(index: 0, db: db)
/// print(facts.flowID ?? "unclaimed", facts.snapshotRows)
/// ```
struct PartitionFacts {
    /// The file's index.
    let index: Int
    /// The file's path.
    let path: String
    /// Its schema version (`PRAGMA user_version`).
    let schemaVersion: SchemaVersion
    /// The `flow_id` meta value (nil: not claimed yet).
    let flowID: String?
    /// The `format_version` meta value, as stored.
    let formatVersion: String?
    /// The `partition_count` meta value, as stored (nil in files from before it was recorded).
    let partitionCount: String?
    /// Its progress rows.
    let progress: [ProgressRow]
    /// How many rows its `snapshots` table holds.
    let snapshotRows: Int
    /// The newest epoch among them.
    let newestSnapshotEpoch: Int64?
    /// The database file's size in bytes.
    let fileBytes: Int64
    /// The write-ahead log's size in bytes (0 when there is none).
    let walBytes: Int64
    /// What the file says about its store (nil below schema version 2: no tables to read).
    let identity: FileIdentity?
    /// Rows that do not match their checksums, at most 5 (read with `verifyingChecksums`).
    let checksumProblems: [RecoveryStoreError]

    /// Reads the facts of one open file.
    /// - Parameters:
    ///   - index: The file's index.
    ///   - db: Its connection.
    ///   - verifyingChecksums: Also check every snapshot row against its checksum (a full scan).
    /// - Throws: An SQLite error naming the file.
    static func read(index: Int, db: SQLiteConnection, verifyingChecksums: Bool = false) throws -> PartitionFacts {
        let version = try SQLiteMigrations.version(of: db)
        // A file that no migration has finished has no tables to read yet.
        let hasMeta = version >= SchemaVersion(1)
        let hasSnapshots = version >= SchemaVersion(2)
        return PartitionFacts(
            index: index, path: db.path, schemaVersion: version,
            flowID: hasMeta ? try RecoveryDirectory.meta(RecoverySchema.flowIDKey, in: db) : nil,
            formatVersion: hasMeta ? try RecoveryDirectory.meta(RecoverySchema.formatVersionKey, in: db) : nil,
            partitionCount: hasMeta ? try RecoveryDirectory.meta(RecoverySchema.partitionCountKey, in: db) : nil,
            progress: hasSnapshots ? try ProgressRow.all(in: db) : [],
            snapshotRows: hasSnapshots ? Int(try db.scalarInt("SELECT count(*) FROM snapshots") ?? 0) : 0,
            newestSnapshotEpoch: hasSnapshots ? try db.scalarInt("SELECT max(epoch) FROM snapshots") : nil,
            fileBytes: RecoveryDirectory.size(of: db.path), walBytes: RecoveryDirectory.size(of: db.path + "-wal"),
            identity: hasSnapshots ? try FileIdentity.read(index: index, db: db) : nil,
            checksumProblems: verifyingChecksums && version >= SchemaVersion(3) ? try checksumProblems(db) : [])
    }

    /// Every snapshot row checked against its checksum: the first mismatches, at most `limit`.
    static func checksumProblems(_ db: SQLiteConnection, limit: Int = 5) throws -> [RecoveryStoreError] {
        let unchecked = try RecoveryDirectory.meta(RecoverySchema.unchecksummedThroughKey, in: db).flatMap { Int64($0) }
        let query = try db.prepare("SELECT step, key, epoch, state, checksum FROM snapshots")
        var problems: [RecoveryStoreError] = []
        while problems.count < limit, try query.step() {
            if let problem = RowChecksum.verify(
                path: db.path, step: query.string(at: 0) ?? "", key: query.string(at: 1) ?? "",
                epoch: query.int64(at: 2) ?? 0, state: query.blob(at: 3), stored: query.int64(at: 4),
                uncheckedThrough: unchecked) {
                problems.append(problem)
            }
        }
        return problems
    }
}
