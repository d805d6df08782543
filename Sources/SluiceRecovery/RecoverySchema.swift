/// The recovery store's SQLite schema, as migrations applied on open.
///
/// Migration 1 creates a `meta` table of `key → value` text pairs and records
/// ``SnapshotFormatVersion/current`` as `format_version`; migration 2 adds
/// `snapshots` (one row per step, key and epoch; NULL state = discarded) and
/// `progress` (each worker's last written epoch per execution). The store
/// writes `partition_count` when it creates a file and `flow_id` when a
/// dataflow claims it. Append migrations; never edit a released one.
package enum RecoverySchema {
    /// The `meta` key holding the ``SnapshotFormatVersion``.
    package static let formatVersionKey = "format_version"
    /// The `meta` key holding the ``FlowID``.
    package static let flowIDKey = "flow_id"
    /// The `meta` key holding how many partition files the store has.
    package static let partitionCountKey = "partition_count"
    /// The token of the running execution (`markExecution`), in the first file.
    package static let executionMarkKey = "execution_mark"

    /// Every migration, in order.
    /// A released migration never changes, so it spells out its format
    /// version (1) instead of using ``SnapshotFormatVersion/current``.
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
    ])
}
