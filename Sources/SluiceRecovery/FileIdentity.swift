/// What one partition file says about the store it belongs to: its store
/// id, dataflow, partition index, the committed epoch its writers knew, and
/// whether it holds any history. Read when a store opens and when it is
/// checked; judged by ``StoreIdentity`` and ``LostEpochs``.
///
/// ```swift
/// let identity = try FileIdentity.read(index: 0, db: db)
/// print(identity.storeID ?? "written before store ids")
/// ```
import SluiceEngine

struct FileIdentity {
    /// The file's index (from its name).
    let index: Int
    /// The file's path.
    let path: String
    /// The `store_id` meta value (nil: written before store ids, or lost).
    let storeID: String?
    /// The `flow_id` meta value (nil: not claimed yet, or lost).
    let flowID: String?
    /// The `partition_index` meta value, as stored.
    let partitionIndex: String?
    /// The `committed_through` meta value (nil: none recorded).
    let committedThrough: Int64?
    /// The file's progress rows.
    let progress: [ProgressRow]
    /// True when the file holds progress or snapshot rows.
    let hasHistory: Bool
    /// The file's membership records (none before schema 4).
    var memberships: [MembershipRecord] = []
    /// The `lineage_id` meta value (nil: not a cluster member's store, or not adopted yet).
    var lineage: String?

    /// Reads the identity of a file at schema version 2 or later.
    /// - Throws: An SQLite error naming the file.
    static func read(index: Int, db: SQLiteConnection) throws -> FileIdentity {
        let progress = try ProgressRow.all(in: db)
        let hasSnapshots = try db.scalarInt("SELECT EXISTS (SELECT 1 FROM snapshots)") == 1
        var identity = FileIdentity(
            index: index, path: db.path,
            storeID: try RecoveryDirectory.meta(RecoverySchema.storeIDKey, in: db),
            flowID: try RecoveryDirectory.meta(RecoverySchema.flowIDKey, in: db),
            partitionIndex: try RecoveryDirectory.meta(RecoverySchema.partitionIndexKey, in: db),
            committedThrough: try RecoveryDirectory.meta(RecoverySchema.committedThroughKey, in: db).flatMap { Int64($0) },
            progress: progress, hasHistory: !progress.isEmpty || hasSnapshots)
        identity.memberships = try MembershipRows.all(in: db)
        identity.lineage = try RecoveryDirectory.meta(RecoverySchema.lineageKey, in: db)
        return identity
    }
}
