internal import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SQLite result code (`SQLITE_BUSY`, `SQLITE_FULL`, …), possibly extended
/// (`SQLITE_IOERR_WRITE`); compare ``primary`` with the named constants.
///
/// ```swift
/// if error.code.primary == .busy { … }
/// ```
package struct SQLiteResultCode: Hashable, Sendable, CustomStringConvertible {
    /// The raw (possibly extended) code returned by the C API.
    package let rawValue: Int32

    /// Wraps a raw result code.
    /// - Parameter rawValue: A code returned by a `sqlite3_*` function.
    package init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code: the low 8 bits of an extended code.
    package var primary: SQLiteResultCode { SQLiteResultCode(rawValue & 0xff) }

    /// Successful result.
    package static let ok = SQLiteResultCode(SQLITE_OK)
    /// Generic error (SQL error or missing database).
    package static let error = SQLiteResultCode(SQLITE_ERROR)
    /// Access permission denied.
    package static let perm = SQLiteResultCode(SQLITE_PERM)
    /// The operation was aborted.
    package static let abort = SQLiteResultCode(SQLITE_ABORT)
    /// The database file is locked by another connection (after the busy timeout).
    package static let busy = SQLiteResultCode(SQLITE_BUSY)
    /// A table is locked within the same connection.
    package static let locked = SQLiteResultCode(SQLITE_LOCKED)
    /// Out of memory.
    package static let nomem = SQLiteResultCode(SQLITE_NOMEM)
    /// Attempt to write a read-only database (file, directory or connection).
    package static let readonly = SQLiteResultCode(SQLITE_READONLY)
    /// Interrupted by `sqlite3_interrupt`.
    package static let interrupt = SQLiteResultCode(SQLITE_INTERRUPT)
    /// A disk I/O error.
    package static let ioerr = SQLiteResultCode(SQLITE_IOERR)
    /// The database disk image is malformed.
    package static let corrupt = SQLiteResultCode(SQLITE_CORRUPT)
    /// The disk (or the database's `max_page_count`) is full.
    package static let full = SQLiteResultCode(SQLITE_FULL)
    /// Unable to open the database file.
    package static let cantopen = SQLiteResultCode(SQLITE_CANTOPEN)
    /// The schema changed under a prepared statement.
    package static let schema = SQLiteResultCode(SQLITE_SCHEMA)
    /// A string or blob is too big.
    package static let toobig = SQLiteResultCode(SQLITE_TOOBIG)
    /// A constraint (primary key, unique, not null, …) was violated.
    package static let constraint = SQLiteResultCode(SQLITE_CONSTRAINT)
    /// Data type mismatch.
    package static let mismatch = SQLiteResultCode(SQLITE_MISMATCH)
    /// The library was used incorrectly.
    package static let misuse = SQLiteResultCode(SQLITE_MISUSE)
    /// A bind index is out of range.
    package static let range = SQLiteResultCode(SQLITE_RANGE)
    /// The file is not a database (or is encrypted / corrupt in its header).
    package static let notadb = SQLiteResultCode(SQLITE_NOTADB)
    /// `sqlite3_step` produced a row.
    package static let row = SQLiteResultCode(SQLITE_ROW)
    /// `sqlite3_step` finished.
    package static let done = SQLiteResultCode(SQLITE_DONE)

    /// The constant's name, e.g. `SQLITE_BUSY` (primary name for extended codes).
    package var name: String {
        switch primary {
        case .ok: "SQLITE_OK"
        case .error: "SQLITE_ERROR"
        case .perm: "SQLITE_PERM"
        case .abort: "SQLITE_ABORT"
        case .busy: "SQLITE_BUSY"
        case .locked: "SQLITE_LOCKED"
        case .nomem: "SQLITE_NOMEM"
        case .readonly: "SQLITE_READONLY"
        case .interrupt: "SQLITE_INTERRUPT"
        case .ioerr: "SQLITE_IOERR"
        case .corrupt: "SQLITE_CORRUPT"
        case .full: "SQLITE_FULL"
        case .cantopen: "SQLITE_CANTOPEN"
        case .schema: "SQLITE_SCHEMA"
        case .toobig: "SQLITE_TOOBIG"
        case .constraint: "SQLITE_CONSTRAINT"
        case .mismatch: "SQLITE_MISMATCH"
        case .misuse: "SQLITE_MISUSE"
        case .range: "SQLITE_RANGE"
        case .notadb: "SQLITE_NOTADB"
        case .row: "SQLITE_ROW"
        case .done: "SQLITE_DONE"
        default: "SQLITE code \(primary.rawValue)"
        }
    }

    /// For an I/O error, what SQLite was doing (from the extended code), e.g. "writing".
    package var ioOperation: String? {
        guard primary == .ioerr else { return nil }
        // The extended codes are SQLITE_IOERR | (n << 8); C macros with shifts are not imported.
        switch rawValue >> 8 {
        case 1, 2: return "reading"
        case 3: return "writing"
        case 4: return "syncing to disk"
        case 6: return "truncating"
        case 7: return "reading file status"
        case 18, 19, 21: return "using the shared-memory file"
        default: return nil
        }
    }

    /// SQLite's English text for the code (`sqlite3_errstr`).
    package var message: String { String(cString: sqlite3_errstr(rawValue)) }

    /// A hint for the user about what to check, for the codes a recovery
    /// directory commonly hits; nil otherwise.
    package var hint: String? {
        switch primary {
        case .readonly: "the database file, its directory or the connection is read-only"
        case .cantopen: "check that the directory exists and is writable"
        case .notadb: "the file is not a SQLite database (corrupt, or not a Sluice recovery file)"
        case .corrupt: "the database file is corrupt"
        case .full: "the disk (or the database's size limit) is full"
        case .busy: "another process or connection holds the database locked"
        case .perm: "permission denied"
        default: nil
        }
    }

    package var description: String {
        rawValue == primary.rawValue ? name : "\(name) (extended code \(rawValue))"
    }
}

/// A failed SQLite call, naming the database file, the SQL (when there is
/// one) and why it failed.
///
/// ```swift
/// // SQLite error on '/tmp/r/part-0.sqlite' running 'PRAGMA journal_mode=WAL':
/// // file is not a database (SQLITE_NOTADB); the file is not a SQLite database (…)
/// ```
package struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The result code.
    package let code: SQLiteResultCode
    /// SQLite's message (`sqlite3_errmsg`), plus the OS error when there is one.
    package let message: String
    /// The database file's path.
    package let path: String
    /// The SQL that failed, or nil for open/close.
    package let sql: String?

    /// Creates an error from its parts.
    /// - Parameters:
    ///   - code: The result code.
    ///   - message: Why it failed.
    ///   - path: The database file.
    ///   - sql: The failing SQL, if any.
    package init(code: SQLiteResultCode, message: String, path: String, sql: String?) {
        self.code = code
        self.message = message
        self.path = path
        self.sql = sql
    }

    /// Builds an error from a connection's last error (`sqlite3_errmsg`,
    /// `sqlite3_system_errno`).
    /// - Parameters:
    ///   - code: The code the failing call returned.
    ///   - db: The connection handle (may be nil when open failed to allocate).
    ///   - path: The database file.
    ///   - sql: The failing SQL, if any.
    init(code: Int32, db: OpaquePointer?, path: String, sql: String?) {
        var text = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        let result = SQLiteResultCode(code)
        if result.primary == .cantopen, let reason = Self.diagnoseOpen(path: path) {
            // SQLite's last errno is unreliable here (it retries read-only and
            // reports that attempt's ENOENT), so look at the path ourselves.
            text += " (\(reason))"
        } else if result.primary == .ioerr, let db {
            if let operation = result.ioOperation { text += " while \(operation)" }
            let errno = sqlite3_system_errno(db)
            if errno != 0, let reason = strerror(errno) {
                text += " (\(String(cString: reason)))"
            } else if let reason = Self.diagnoseWrite(path: path) {
                // SQLite does not pass on every failed write's errno: look at the files ourselves.
                text += " (\(reason))"
            }
        }
        self.init(code: result, message: text, path: path, sql: sql)
    }

    /// Why the database file or its write-ahead log cannot be written (an
    /// immutable file, a read-only mount), or nil when both look writable.
    /// - Parameter path: The database file.
    /// - Returns: A short reason naming the file.
    static func diagnoseWrite(path: String) -> String? {
        for file in [path, path + "-wal"] where access(file, F_OK) == 0 && access(file, W_OK) != 0 {
            let reason = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
            return "'\(file)' is not writable: \(reason)"
        }
        return nil
    }

    /// Why a database file cannot be opened: its directory is missing, not a
    /// directory or not writable, or the file itself is not readable or
    /// writable; nil when none of these holds.
    /// - Parameter path: The database file.
    /// - Returns: A short reason naming the directory or file.
    static func diagnoseOpen(path: String) -> String? {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        var info = stat()
        if stat(directory, &info) != 0 {
            return "directory '\(directory)' does not exist"
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            return "'\(directory)' is not a directory"
        }
        if access(path, F_OK) != 0 {
            return access(directory, W_OK | X_OK) != 0 ? "directory '\(directory)' is not writable" : nil
        }
        if access(path, R_OK) != 0 { return "file is not readable" }
        if access(path, W_OK) != 0 { return "file is not writable" }
        return nil
    }

    package var description: String {
        var text = "SQLite error on '\(path)'"
        if let sql { text += " running '\(sql)'" }
        text += ": \(message) (\(code))"
        if let hint = code.hint { text += "; \(hint)" }
        return text
    }
}
