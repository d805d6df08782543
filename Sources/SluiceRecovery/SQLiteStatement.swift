internal import CSQLite

/// A value SQLite stores: its five storage classes.
package enum SQLiteValue: Hashable, Sendable {
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A 64-bit float.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Bytes.
    case blob([UInt8])
    /// NULL.
    case null
}

/// A compiled SQL statement of one ``SQLiteConnection``; finalized in
/// `deinit`. Same threading rule as its connection (which it keeps alive).
///
/// Parameters and columns are numbered as SQLite does: bind indices from 1,
/// column indices from 0.
///
/// ```swift
/// let insert = try db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
/// try insert.bind("format_version", at: 1)
/// try insert.bind("1", at: 2)
/// _ = try insert.step()
/// try insert.reset()
/// ```
package final class SQLiteStatement {
    /// The connection that compiled the statement.
    package let connection: SQLiteConnection
    /// The SQL text, for errors.
    package let sql: String
    /// The `sqlite3_stmt*`; finalized in `deinit`.
    private let handle: OpaquePointer

    /// Wraps a freshly prepared statement (see ``SQLiteConnection/prepare(_:)``).
    /// - Parameters:
    ///   - connection: The owning connection.
    ///   - handle: The `sqlite3_stmt*`.
    ///   - sql: Its SQL text.
    init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// SQLite's "copy the bytes now" destructor (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Throws an error naming the file and SQL unless `rc` is `SQLITE_OK`.
    private func check(_ rc: Int32) throws(SQLiteError) {
        if rc != SQLITE_OK {
            throw SQLiteError(code: rc, db: connection.handle, path: connection.path, sql: sql)
        }
    }

    // MARK: Binding

    /// Binds an integer.
    /// - Parameters:
    ///   - value: The value.
    ///   - index: The 1-based parameter index.
    /// - Throws: ``SQLiteError`` (`SQLITE_RANGE` for a bad index).
    package func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds a float.
    /// - Parameters:
    ///   - value: The value.
    ///   - index: The 1-based parameter index.
    /// - Throws: ``SQLiteError``.
    package func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds UTF-8 text (embedded NULs are kept; "" stays text, not NULL).
    /// - Parameters:
    ///   - value: The value.
    ///   - index: The 1-based parameter index.
    /// - Throws: ``SQLiteError``.
    package func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        let bytes = Array(value.utf8)
        let rc = bytes.withUnsafeBufferPointer { buffer in
            // A nil pointer would bind NULL: give SQLite a real one for "".
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(buffer.count), Self.transient)
                }
            } ?? sqlite3_bind_text(handle, index, "", 0, Self.transient)
        }
        try check(rc)
    }

    /// Binds bytes (an empty array stays a zero-length blob, not NULL).
    /// - Parameters:
    ///   - value: The bytes.
    ///   - index: The 1-based parameter index.
    /// - Throws: ``SQLiteError``.
    package func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
        let rc = value.withUnsafeBytes { buffer in
            buffer.baseAddress.map { sqlite3_bind_blob(handle, index, $0, Int32(buffer.count), Self.transient) }
                ?? sqlite3_bind_zeroblob(handle, index, 0)
        }
        try check(rc)
    }

    /// Binds NULL.
    /// - Parameter index: The 1-based parameter index.
    /// - Throws: ``SQLiteError``.
    package func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds any storage class.
    /// - Parameters:
    ///   - value: The value.
    ///   - index: The 1-based parameter index.
    /// - Throws: ``SQLiteError``.
    package func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        switch value {
        case let .integer(v): try bind(v, at: index)
        case let .real(v): try bind(v, at: index)
        case let .text(v): try bind(v, at: index)
        case let .blob(v): try bind(v, at: index)
        case .null: try bindNull(at: index)
        }
    }

    /// Sets every parameter back to NULL.
    package func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Running

    /// Runs the statement to its next row.
    /// - Returns: true when a row is available (read it with the column
    ///   accessors), false when the statement is done.
    /// - Throws: ``SQLiteError`` naming the file and SQL (`SQLITE_BUSY`,
    ///   `SQLITE_FULL`, `SQLITE_CONSTRAINT`, …).
    package func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw SQLiteError(code: rc, db: connection.handle, path: connection.path, sql: sql)
        }
    }

    /// Runs the statement to completion, ignoring any rows.
    /// - Throws: ``SQLiteError``.
    package func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Collects every remaining row as values.
    /// - Returns: The rows, each with ``columnCount`` values.
    /// - Throws: ``SQLiteError``.
    package func rows() throws(SQLiteError) -> [[SQLiteValue]] {
        var rows: [[SQLiteValue]] = []
        while try step() {
            rows.append((0..<columnCount).map { value(at: $0) })
        }
        return rows
    }

    /// Makes the statement runnable again (bindings are kept). SQLite's
    /// return value repeats the last step's error, which `step()` already
    /// threw, so it is ignored.
    package func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Columns

    /// The number of result columns.
    package var columnCount: Int32 { sqlite3_column_count(handle) }

    /// A result column's name.
    /// - Parameter index: The 0-based column.
    /// - Returns: The name.
    package func columnName(at index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// Whether the current row's column is NULL.
    /// - Parameter index: The 0-based column.
    /// - Returns: true for NULL.
    package func isNull(at index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// The column as an integer, or nil for NULL.
    /// - Parameter index: The 0-based column.
    /// - Returns: The value (SQLite converts other types).
    package func int64(at index: Int32) -> Int64? {
        isNull(at: index) ? nil : sqlite3_column_int64(handle, index)
    }

    /// The column as a float, or nil for NULL.
    /// - Parameter index: The 0-based column.
    /// - Returns: The value.
    package func double(at index: Int32) -> Double? {
        isNull(at: index) ? nil : sqlite3_column_double(handle, index)
    }

    /// The column as text, or nil for NULL.
    /// - Parameter index: The 0-based column.
    /// - Returns: The value decoded as UTF-8.
    package func string(at index: Int32) -> String? {
        if isNull(at: index) { return nil }
        // column_text before column_bytes, as SQLite documents.
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes, or nil for NULL.
    /// - Parameter index: The 0-based column.
    /// - Returns: The bytes (empty for a zero-length blob).
    package func blob(at index: Int32) -> [UInt8]? {
        if isNull(at: index) { return nil }
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column in its own storage class.
    /// - Parameter index: The 0-based column.
    /// - Returns: The value.
    package func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: .text(string(at: index) ?? "")
        case SQLITE_BLOB: .blob(blob(at: index) ?? [])
        default: .null
        }
    }
}
