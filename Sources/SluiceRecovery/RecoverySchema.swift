/// The recovery store's SQLite schema, as migrations applied on open.
///
/// Only the foundation so far: a `meta` table of `key → value` text pairs.
/// Migration 1 records ``SnapshotFormatVersion/current`` as `format_version`;
/// the store writes `flow_id` when it initializes a directory. Snapshot tables
/// come with later migrations (append; never edit a released one).
package enum RecoverySchema {
    /// The `meta` key holding the ``SnapshotFormatVersion``.
    package static let formatVersionKey = "format_version"
    /// The `meta` key holding the ``FlowID``.
    package static let flowIDKey = "flow_id"

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
