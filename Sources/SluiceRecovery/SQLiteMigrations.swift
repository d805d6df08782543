/// The schema level of a database, stored in its `PRAGMA user_version`
/// (0 for a fresh file); migration `n` brings a database to version `n`.
package struct SchemaVersion: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The `user_version` value.
    package let rawValue: Int32
    /// Creates a schema version.
    /// - Parameter rawValue: The `user_version` value.
    package init(_ rawValue: Int32) { self.rawValue = rawValue }
    /// A database no migration has touched.
    package static let empty = SchemaVersion(0)
    package static func < (lhs: SchemaVersion, rhs: SchemaVersion) -> Bool { lhs.rawValue < rhs.rawValue }
    package var description: String { "schema version \(rawValue)" }
}

/// A database's schema is newer than this code knows: it was written by a
/// newer Sluice. Refused rather than read or overwritten.
package struct SQLiteSchemaTooNewError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    package let path: String
    /// The version found in the file.
    package let found: SchemaVersion
    /// The newest version this code knows.
    package let known: SchemaVersion

    package var description: String {
        "'\(path)' was written by a newer Sluice: its \(found) is newer than \(known.rawValue), "
            + "the newest this Sluice knows; use that newer Sluice or another recovery directory"
    }
}

/// Ordered schema migrations, applied in code when a database is opened.
///
/// Each migration runs in its own `BEGIN IMMEDIATE` transaction together with
/// setting `PRAGMA user_version` to its version, so a crash leaves the file at
/// a whole version, and two processes opening the same file apply each
/// migration once. Migrations are never edited once released: append new ones.
///
/// ```swift
/// let migrations = SQLiteMigrations([
///     (1, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
/// ])
/// try migrations.apply(to: db)
/// ```
package struct SQLiteMigrations: Sendable {
    /// One step: the version it produces and the SQL that gets there.
    package struct Step: Sendable {
        /// The `user_version` after this step.
        package let version: SchemaVersion
        /// The SQL (may hold several statements).
        package let sql: String
    }

    /// The steps, in increasing version order (1, 2, 3, …).
    package let steps: [Step]

    /// Creates a migration list.
    /// - Parameter steps: `(version, SQL)` pairs numbered 1, 2, 3, … without
    ///   gaps (a programming error otherwise: this traps).
    package init(_ steps: [(version: Int32, sql: String)]) {
        for (offset, step) in steps.enumerated() {
            precondition(
                step.version == Int32(offset + 1),
                "migration #\(offset + 1) has version \(step.version); versions must be 1, 2, 3, … without gaps")
        }
        self.steps = steps.map { Step(version: SchemaVersion($0.version), sql: $0.sql) }
    }

    /// The version after all steps (``SchemaVersion/empty`` for no steps).
    package var latest: SchemaVersion { steps.last?.version ?? .empty }

    /// The database's current `user_version`.
    /// - Parameter db: The connection.
    /// - Returns: Its schema version.
    /// - Throws: ``SQLiteError``.
    package static func version(of db: SQLiteConnection) throws(SQLiteError) -> SchemaVersion {
        SchemaVersion(Int32(truncatingIfNeeded: try db.scalarInt("PRAGMA user_version") ?? 0))
    }

    /// Brings the database to ``latest``, applying each missing step in its
    /// own transaction; does nothing when it is already there.
    /// - Parameter db: A writable connection.
    /// - Returns: The versions applied now, in order (empty when up to date).
    /// - Throws: ``SQLiteSchemaTooNewError`` when the file's version is newer
    ///   than ``latest``; ``SQLiteError`` naming the file and the step's SQL.
    @discardableResult
    package func apply(to db: SQLiteConnection) throws -> [SchemaVersion] {
        let start = try Self.version(of: db)
        try checkNotNewer(db, version: start)
        var applied: [SchemaVersion] = []
        // Up to date: no write lock taken, so opening an existing store never blocks writers.
        for step in steps where step.version > start {
            try db.transaction {
                // Re-read under the write lock: another connection may have migrated meanwhile.
                let current = try Self.version(of: db)
                try checkNotNewer(db, version: current)
                guard current < step.version else { return }
                try db.execute(step.sql)
                try db.execute("PRAGMA user_version = \(step.version.rawValue)")
                applied.append(step.version)
            }
        }
        return applied
    }

    /// Throws when `version` is newer than ``latest``.
    private func checkNotNewer(_ db: SQLiteConnection, version: SchemaVersion) throws(SQLiteSchemaTooNewError) {
        if version > latest {
            throw SQLiteSchemaTooNewError(path: db.path, found: version, known: latest)
        }
    }
}
