import SluiceTestSupport
import Testing

@testable import SluiceRecovery

@Suite("SQLiteStatement")
struct SQLiteStatementTests {
    /// A connection to a fresh file with a table of one column per type.
    private func makeTable(_ dir: TemporaryDirectory) throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n)")
        return db
    }

    @Test("binds and reads back integers, floats, text, blobs and NULL")
    func roundTripsEveryType() throws {
        let dir = try TemporaryDirectory()
        let db = try makeTable(dir)
        let insert = try db.prepare("INSERT INTO t (id, i, r, s, b, n) VALUES (?, ?, ?, ?, ?, ?)")
        let rows: [(Int64, Int64, Double, String, [UInt8])] = [
            (1, Int64.max, 3.25, "héllo, wörld ✓", [0, 1, 2, 255, 0]),
            (2, Int64.min, -0.5, "", []),  // "" and [] stay text and blob, not NULL
            (3, 0, .greatestFiniteMagnitude, "nul\u{0}inside", Array(repeating: 0xAB, count: 100_000)),
        ]
        for (id, i, r, s, b) in rows {
            try insert.bind(id, at: 1)
            try insert.bind(i, at: 2)
            try insert.bind(r, at: 3)
            try insert.bind(s, at: 4)
            try insert.bind(b, at: 5)
            try insert.bindNull(at: 6)
            #expect(try insert.step() == false)
            insert.reset()
        }

        let select = try db.prepare("SELECT i, r, s, b, n, typeof(s), typeof(b) FROM t WHERE id = ?")
        #expect(select.columnCount == 7)
        #expect(select.columnName(at: 3) == "b")
        for (id, i, r, s, b) in rows {
            try select.bind(id, at: 1)
            #expect(try select.step())
            #expect(select.int64(at: 0) == i)
            #expect(select.double(at: 1) == r)
            #expect(select.string(at: 2) == s)
            #expect(select.blob(at: 3) == b)
            #expect(select.isNull(at: 4))
            #expect(select.int64(at: 4) == nil)
            #expect(select.string(at: 4) == nil)
            #expect(select.blob(at: 4) == nil)
            #expect(select.double(at: 4) == nil)
            #expect(select.string(at: 5) == "text")
            #expect(select.string(at: 6) == "blob")
            #expect(try select.step() == false)  // one row per id
            select.reset()
        }
    }

    @Test("SQLiteValue binds and reads each storage class")
    func valuesRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE v (x)")
        let values: [SQLiteValue] = [.integer(-7), .real(1.5), .text("t"), .blob([9, 8]), .null, .blob([])]
        let insert = try db.prepare("INSERT INTO v VALUES (?)")
        for value in values {
            try insert.bind(value, at: 1)
            try insert.run()
            insert.reset()
        }
        let read = try db.prepare("SELECT x FROM v ORDER BY rowid").rows().map { $0[0] }
        #expect(read == values)
    }

    @Test("reset keeps bindings; clearBindings sets them to NULL")
    func resetAndClear() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        let select = try db.prepare("SELECT ?")
        try select.bind("kept", at: 1)
        #expect(try select.rows() == [[.text("kept")]])
        select.reset()
        #expect(try select.rows() == [[.text("kept")]])
        select.reset()
        select.clearBindings()
        #expect(try select.rows() == [[.null]])
    }

    @Test("a bad bind index or bad SQL is an error naming the file and the SQL")
    func errorsNameFileAndSQL() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let db = try SQLiteConnection(path: path)
        let select = try db.prepare("SELECT ?")
        let range = #expect(throws: SQLiteError.self) { try select.bind(Int64(1), at: 2) }
        #expect(range?.code.primary == .range)
        #expect(range?.description.contains("'SELECT ?'") == true)
        #expect(range?.description.contains(path) == true)

        let syntax = #expect(throws: SQLiteError.self) { _ = try db.prepare("SELEKT 1") }
        #expect(syntax?.code.primary == .error)
        #expect(syntax?.message.contains("syntax error") == true)
        #expect(syntax?.description.contains("'SELEKT 1'") == true)
        #expect(syntax?.description.contains(path) == true)

        let empty = #expect(throws: SQLiteError.self) { _ = try db.prepare("  -- nothing") }
        #expect(empty?.code == .misuse)
    }

    @Test("a statement keeps its connection alive")
    func statementOutlivesCallerReference() throws {
        let dir = try TemporaryDirectory()
        var db: SQLiteConnection? = try SQLiteConnection(path: dir.file("a.sqlite"))
        let select = try #require(db).prepare("SELECT 5")
        db = nil
        #expect(try select.rows() == [[.integer(5)]])
    }
}
