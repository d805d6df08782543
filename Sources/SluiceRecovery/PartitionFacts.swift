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

    /// Reads the facts of one open file.
    /// - Throws: An SQLite error naming the file.
    static func read(index: Int, db: SQLiteConnection) throws -> PartitionFacts {
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
            fileBytes: size(of: db.path), walBytes: size(of: db.path + "-wal"))
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): its
    /// complaints, at most `limit`; empty when the file is sound.
    static func integrityComplaints(_ db: SQLiteConnection, limit: Int = 20) throws(SQLiteError) -> [String] {
        let query = try db.prepare("PRAGMA integrity_check(\(limit))")
        var lines: [String] = []
        while try query.step() {
            if let line = query.string(at: 0), line != "ok" { lines.append(line) }
        }
        return lines
    }

    private static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
