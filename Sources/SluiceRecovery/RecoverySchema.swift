import SluiceEngine

/// The recovery store's SQLite schema, as migrations applied on open.
///
/// Migration 1 creates a `meta` table of `key → value` text pairs and records
/// `SnapshotFormatVersion.current` as `format_version`; migration 2 adds
/// `snapshots` (one row per step, key and epoch; NULL state = discarded) and
/// `progress` (each worker's last written epoch per execution). The store
/// writes `partition_count` when it creates a file and `flow_id` when a
/// dataflow claims it. Migration 3 adds each snapshot row's `checksum`
/// (``RowChecksum``) and, in a file that already held rows, records the
/// newest of them as `unchecksummed_through`: only rows up to it may lack a
/// checksum. Every file also records its store's identity (`store_id`,
/// `partition_index`) and the highest collection threshold a writer knew
/// (`committed_through`, see ``StoreIdentity`` and ``LostEpochs``).
/// Migration 4 (decision 0018) adds `membership`: one row per execution the
/// store took part in as a cluster member (or a single process), with the
/// process, the cluster's shape, the first epoch, whether it re-homed and the
/// read floor it inherited; a store of a cluster also records its
/// `lineage_id`. Additive: older stores are read as before.
/// Append migrations; never edit a released one.
package enum RecoverySchema {
    /// The `meta` key holding the `SnapshotFormatVersion`.
    package static let formatVersionKey = "format_version"
    /// The `meta` key holding the ``FlowID``.
    package static let flowIDKey = "flow_id"
    /// The `meta` key holding how many partition files the store has.
    package static let partitionCountKey = "partition_count"
    /// The token of the running execution (`markExecution`), in the first file.
    package static let executionMarkKey = "execution_mark"
    /// The `meta` key holding the store's random id (a UUID), the same in every file.
    package static let storeIDKey = "store_id"
    /// The `meta` key holding the file's own partition index.
    package static let partitionIndexKey = "partition_index"
    /// The `meta` key holding the highest committed epoch (minus the backup
    /// epochs) a writer knew when it wrote this file or witnessed a sibling's write.
    package static let committedThroughKey = "committed_through"
    /// The `meta` key holding the newest epoch of rows written before checksums (absent: none).
    package static let unchecksummedThroughKey = "unchecksummed_through"
    /// The `meta` key holding the cluster history a store belongs to (decision 0018), in every file.
    package static let lineageKey = "lineage_id"
    /// The schema version that has the `membership` table.
    package static let membershipVersion = SchemaVersion(4)

    /// Every migration, in order.
    /// A released migration never changes, so it spells out its format
    /// version (1) instead of using `SnapshotFormatVersion.current`.
    package static let migrations = SQLiteMigrations([
        (
            1,
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO meta (key, value) VALUES ('\(formatVersionKey)', '\(SnapshotFormatVersion(1).rawValue)');
            """
        ),
        (
            2,
            """
            CREATE TABLE snapshots (
                step TEXT NOT NULL, key TEXT NOT NULL, epoch INTEGER NOT NULL, state BLOB,
                PRIMARY KEY (step, key, epoch)) WITHOUT ROWID;
            CREATE TABLE progress (
                execution INTEGER NOT NULL, worker INTEGER NOT NULL, worker_count INTEGER NOT NULL,
                epoch INTEGER NOT NULL, ended INTEGER NOT NULL,
                PRIMARY KEY (execution, worker)) WITHOUT ROWID;
            """
        ),
        (
            3,
            """
            ALTER TABLE snapshots ADD COLUMN checksum INTEGER;
            INSERT INTO meta (key, value)
                SELECT 'unchecksummed_through', CAST(max(epoch) AS TEXT) FROM snapshots HAVING count(*) > 0;
            """
        ),
        (
            4,
            """
            CREATE TABLE membership (
                execution INTEGER PRIMARY KEY NOT NULL, process INTEGER NOT NULL, process_count INTEGER NOT NULL,
                worker_count INTEGER NOT NULL, first_epoch INTEGER NOT NULL, rehomed INTEGER NOT NULL,
                floor INTEGER NOT NULL) WITHOUT ROWID;
            """
        ),
    ])
}
