import Foundation
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// Failures a recovery directory meets on disk: each error names the file and why.
@Suite("SQLiteError")
struct SQLiteErrorTests {
    @Test("a file of garbage bytes is refused as not a database, naming the file")
    func corruptFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("part-0.sqlite")
        let garbage = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        try Data(garbage).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SQLiteError.self) { _ = try SQLiteConnection(path: path) }
        #expect(error?.code.primary == .notadb)
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("file is not a database") == true)
        #expect(error?.description.contains("SQLITE_NOTADB") == true)
    }

    @Test("a missing directory cannot be opened, naming the file and the OS reason")
    func missingDirectory() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("no-such-dir/part-0.sqlite")
        let error = #expect(throws: SQLiteError.self) { _ = try SQLiteConnection(path: path) }
        #expect(error?.code.primary == .cantopen)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("unable to open database file") == true)
        #expect(error?.description.contains("directory '\(dir.path)/no-such-dir' does not exist") == true)
    }

    @Test("a path under a regular file cannot be opened, naming the file")
    func parentIsAFile() throws {
        let dir = try TemporaryDirectory()
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.file("plain")))
        let path = dir.file("plain/part-0.sqlite")
        let error = #expect(throws: SQLiteError.self) { _ = try SQLiteConnection(path: path) }
        #expect(error?.code.primary == .cantopen)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("'\(dir.path)/plain' is not a directory") == true)
    }

    // Root bypasses directory permissions, so this only means something for
    // other users (CI, developers); as root it is reported as disabled.
    @Test(
        "a read-only directory cannot hold a new database, naming the file",
        .enabled(if: geteuid() != 0, "root ignores directory permissions")
    )
    func readOnlyDirectory() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        let path = dir.file("part-0.sqlite")
        let error = #expect(throws: SQLiteError.self) { _ = try SQLiteConnection(path: path) }
        #expect(error?.code.primary == .cantopen)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("directory '\(dir.path)' is not writable") == true)
    }

    @Test("writing through a read-only connection fails with SQLITE_READONLY, naming the file and SQL")
    func readOnlyConnection() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("part-0.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("CREATE TABLE t (x)")
        }
        let reader = try SQLiteConnection(path: path, options: .init(readOnly: true))
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 0)
        let error = #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(error?.code.primary == .readonly)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("'INSERT INTO t VALUES (1)'") == true)
        #expect(error?.description.contains("read-only") == true)
    }

    @Test("a read-only connection does not create a missing file")
    func readOnlyMissingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("absent.sqlite")
        let error = #expect(throws: SQLiteError.self) {
            _ = try SQLiteConnection(path: path, options: .init(readOnly: true))
        }
        #expect(error?.code.primary == .cantopen)
        #expect(error?.description.contains(path) == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a full database fails with SQLITE_FULL naming the file, rolls back, and stays usable")
    func databaseFull() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("part-0.sqlite")
        let db = try SQLiteConnection(path: path)
        try db.execute("CREATE TABLE t (b BLOB)")
        // The file's size limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
        let pages = try #require(try db.scalarInt("PRAGMA page_count"))
        #expect(try db.scalarInt("PRAGMA max_page_count = \(pages + 4)") == pages + 4)
        let error = #expect(throws: SQLiteError.self) {
            try db.transaction {
                let insert = try db.prepare("INSERT INTO t VALUES (?)")
                for _ in 0..<64 {
                    try insert.bind([UInt8](repeating: 1, count: 4096), at: 1)
                    try insert.run()
                    insert.reset()
                }
            }
        }
        #expect(error?.code.primary == .full)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("database or disk is full") == true)
        #expect(error?.sql == "INSERT INTO t VALUES (?)")
        #expect(!db.isInTransaction)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        try db.transaction { try db.execute("INSERT INTO t VALUES (x'01')") }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test("result codes have names and extended codes map to their primary code")
    func resultCodeNames() {
        #expect(SQLiteResultCode.busy.name == "SQLITE_BUSY")
        #expect(SQLiteResultCode.full.description == "SQLITE_FULL")
        let ioerrWrite = SQLiteResultCode(778)  // SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8)
        #expect(ioerrWrite.primary == .ioerr)
        #expect(ioerrWrite.description == "SQLITE_IOERR (extended code 778)")
        #expect(SQLiteResultCode.notadb.message == "file is not a database")
    }
}
