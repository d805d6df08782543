import Foundation
internal import CSQLite

/// One connection to a SQLite database file, in WAL mode with a busy timeout.
///
/// A connection is used by **one thread at a time** (it is not `Sendable`):
/// it is opened with `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode), so
/// SQLite does not lock around each call. A worker thread opens its own
/// connections; several connections (threads or processes) may share a file,
/// with SQLite's file locks and the busy timeout arbitrating between them.
/// Calls block on disk I/O and on the busy timeout: never make them on
/// Swift's cooperative thread pool.
///
/// ```swift
/// let db = try SQLiteConnection(path: "/tmp/recovery/part-0.sqlite")
/// try db.transaction {
///     try db.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
/// }
/// ```
package final class SQLiteConnection {
    /// How a connection is opened.
    package struct Options: Sendable {
        /// SQLite's `PRAGMA synchronous` levels that make sense with WAL.
        package enum Synchronous: String, Sendable {
            /// With WAL, a committed transaction survives a crash of the
            /// process (kill -9 included): the WAL is written before COMMIT
            /// returns, only its fsync is deferred to checkpoints. A power
            /// loss or OS crash may lose the last commits (never corrupts).
            case normal = "NORMAL"
            /// Also fsyncs the WAL on every commit: needed for durability
            /// across power loss or an OS crash, at a cost per commit.
            case full = "FULL"
        }

        /// Durability level; default ``Synchronous/normal`` (process crashes).
        package var synchronous: Synchronous = .normal
        /// How long to wait on another connection's lock before failing with
        /// `SQLITE_BUSY`, in milliseconds; default 10 000. 0 fails at once.
        package var busyTimeoutMilliseconds: Int32 = 10_000
        /// Opens read-only (`SQLITE_OPEN_READONLY`): no WAL switch, writes fail
        /// with `SQLITE_READONLY`; the file must exist. Default false.
        package var readOnly = false

        /// Creates options; every parameter has the documented default.
        /// - Parameters:
        ///   - synchronous: Durability level.
        ///   - busyTimeoutMilliseconds: Lock wait before `SQLITE_BUSY`.
        ///   - readOnly: Open read-only.
        package init(synchronous: Synchronous = .normal, busyTimeoutMilliseconds: Int32 = 10_000, readOnly: Bool = false) {
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.readOnly = readOnly
        }
    }

    /// The database file's path, as given; it names the file in every error.
    package let path: String
    /// The options the connection was opened with.
    package let options: Options
    /// The `sqlite3*` handle; closed in `deinit`.
    let handle: OpaquePointer

    /// Opens (creating if needed, unless read-only) the database at `path`,
    /// switches it to WAL and sets `synchronous` and the busy timeout.
    /// - Parameters:
    ///   - path: The database file.
    ///   - options: How to open it.
    /// - Throws: ``SQLiteError`` naming the file: `SQLITE_CANTOPEN` (missing or
    ///   unwritable directory), `SQLITE_NOTADB` (not a database), `SQLITE_BUSY`, …
    package init(path: String, options: Options = Options()) throws(SQLiteError) {
        self.path = path
        self.options = options
        var db: OpaquePointer?
        var flags = (options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        var target = path
        if options.readOnly, Self.isReadableOnlyAsIs(path) {
            // A reader that may not write the file and no write-ahead log
            // beside it (a cleanly stopped store, read by a monitoring user):
            // SQLite could not create the WAL index, so read the file as it is.
            target = "file:" + Self.uriEscaped(path) + "?immutable=1"
            flags |= SQLITE_OPEN_URI
        }
        let rc = sqlite3_open_v2(target, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(code: rc, db: db, path: path, sql: nil)
            sqlite3_close_v2(db)  // a handle is returned even on failure
            throw error
        }
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        // Set before the first statement, so even the WAL switch waits for locks.
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        // The first statements read the header: a corrupt file fails here (deinit closes).
        if !options.readOnly {
            let mode = try switchToWAL(timeoutMilliseconds: options.busyTimeoutMilliseconds)
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(
                    code: .error, message: "could not switch to WAL mode (journal_mode is \(mode ?? "NULL"))",
                    path: path, sql: "PRAGMA journal_mode=WAL")
            }
        }
        if !options.readOnly { try execute("PRAGMA synchronous=\(options.synchronous.rawValue)") }
    }

    /// True when this process may not write `path` and no `-wal` file lies
    /// beside it: then nothing but the file itself holds the database.
    private static func isReadableOnlyAsIs(_ path: String) -> Bool {
        access(path, W_OK) != 0 && access(path, F_OK) == 0 && access(path + "-wal", F_OK) != 0
    }

    /// `path` with the characters a `file:` URI gives meaning to escaped.
    private static func uriEscaped(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Sets WAL mode. SQLite does not always run the busy handler for this
    /// pragma (two connections opening a fresh file at once), so a busy
    /// answer is retried until the connection's busy timeout has passed.
    private func switchToWAL(timeoutMilliseconds: Int32) throws(SQLiteError) -> String? {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeoutMilliseconds)))
        while true {
            do {
                return try scalarText("PRAGMA journal_mode=WAL")
            } catch where error.code.primary == .busy && ContinuousClock.now < deadline {
                // The lock holder is another connection: wait a little and retry.
                usleep(5_000)
            }
        }
    }

    deinit {
        // close_v2: should a statement outlive us, SQLite closes once it is finalized.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that return no rows of interest.
    /// - Parameter sql: The SQL text (several statements separated by `;`).
    /// - Throws: ``SQLiteError`` naming the file and the SQL.
    package func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            var error = SQLiteError(code: rc, db: handle, path: path, sql: sql)
            // Keep the diagnosis added to SQLite's message (errno, path checks).
            if let message, case let text = String(cString: message), !error.message.hasPrefix(text) {
                error = SQLiteError(code: error.code, message: text, path: path, sql: sql)
            }
            sqlite3_free(message)
            throw error
        }
    }

    /// Compiles one SQL statement.
    /// - Parameter sql: A single SQL statement, with `?` parameters.
    /// - Returns: The statement, owned by the caller (finalized when released).
    /// - Throws: ``SQLiteError`` naming the file and the SQL.
    package func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            if rc == SQLITE_OK {  // empty SQL (only whitespace or comments) compiles to nothing
                throw SQLiteError(code: .misuse, message: "no SQL statement to prepare", path: path, sql: sql)
            }
            throw SQLiteError(code: rc, db: handle, path: path, sql: sql)
        }
        return SQLiteStatement(connection: self, handle: stmt, sql: sql)
    }

    /// Runs `body` in a write transaction: `BEGIN IMMEDIATE` (takes the write
    /// lock up front, waiting up to the busy timeout), `COMMIT` when `body`
    /// returns, `ROLLBACK` when it throws (or when COMMIT fails). Not nestable.
    /// - Parameter body: The work to do atomically.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``SQLiteError`` from BEGIN/COMMIT.
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
            try execute("COMMIT")
        } catch {
            // Some errors (SQLITE_FULL, IOERR, …) already rolled back: autocommit is on again.
            if sqlite3_get_autocommit(handle) == 0 {
                try? execute("ROLLBACK")
            }
            throw error
        }
        return result
    }

    /// Whether a transaction is open (`sqlite3_get_autocommit` is off).
    package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs a statement and returns the first column of its first row as
    /// text, or nil when there is no row or the value is NULL.
    /// - Parameter sql: One statement.
    /// - Returns: The value as text.
    /// - Throws: ``SQLiteError``.
    package func scalarText(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.string(at: 0) : nil
    }

    /// Runs a statement and returns the first column of its first row as an
    /// integer, or nil when there is no row or the value is NULL.
    /// - Parameter sql: One statement.
    /// - Returns: The value as an integer.
    /// - Throws: ``SQLiteError``.
    package func scalarInt(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(at: 0) : nil
    }
}
