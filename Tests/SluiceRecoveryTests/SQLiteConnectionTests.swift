import Dispatch
import Foundation
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    @Test("a new connection is in WAL mode with synchronous=NORMAL by default")
    func walAndSynchronous() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        // WAL is a property of the file: a second connection sees it too.
        let other = try SQLiteConnection(path: dir.file("a.sqlite"), options: .init(readOnly: true))
        #expect(try other.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test("synchronous=FULL is configurable (power-loss durability)")
    func synchronousFull() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"), options: .init(synchronous: .full))
        #expect(try db.scalarInt("PRAGMA synchronous") == 2)  // FULL
    }

    @Test("a transaction commits when its body returns")
    func transactionCommits() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        let value = try db.transaction {
            #expect(db.isInTransaction)
            try db.execute("INSERT INTO t VALUES (1)")
            return 42
        }
        #expect(value == 42)
        #expect(!db.isInTransaction)
        // Visible from another connection: committed, not just in this one.
        let other = try SQLiteConnection(path: dir.file("a.sqlite"))
        #expect(try other.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test("a transaction rolls back when its body throws, and the error comes back unchanged")
    func transactionRollsBack() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: ExpectedFailure()) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw ExpectedFailure()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        // The connection is usable afterwards.
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try db.scalarInt("SELECT x FROM t") == 2)
    }

    @Test("a transaction rolls back when a statement in it fails")
    func transactionRollsBackOnSQLiteError() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        let error = #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                try db.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error?.code.primary == .constraint)
        #expect(error?.sql == "INSERT INTO t VALUES (1)")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
    }

    @Test("with a 0 busy timeout a locked database fails with SQLITE_BUSY; with a timeout the writer waits and succeeds")
    func busyTimeout() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (who TEXT)")
        try holder.execute("BEGIN IMMEDIATE")
        try holder.execute("INSERT INTO t VALUES ('holder')")

        // No waiting: fails at once, naming the file and the SQL.
        let impatient = try SQLiteConnection(path: path, options: .init(busyTimeoutMilliseconds: 0))
        let busy = #expect(throws: SQLiteError.self) {
            try impatient.transaction { try impatient.execute("INSERT INTO t VALUES ('impatient')") }
        }
        #expect(busy?.code.primary == .busy)
        #expect(busy?.description.contains(path) == true)
        #expect(busy?.sql == "BEGIN IMMEDIATE")

        // A patient writer on another thread starts while the lock is held and
        // finishes once the holder commits.
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Locked<Result<Void, SQLiteError>?>(nil)
        let thread = Thread {
            defer { finished.signal() }
            do {
                let patient = try SQLiteConnection(path: path, options: .init(busyTimeoutMilliseconds: 60_000))
                started.signal()
                try patient.transaction { try patient.execute("INSERT INTO t VALUES ('patient')") }
                outcome.withLock { $0 = .success(()) }
            } catch let error as SQLiteError {
                started.signal()
                outcome.withLock { $0 = .failure(error) }
            } catch {
                started.signal()
            }
        }
        thread.start()
        // Bounds against a hang only; the verdict is the outcome.
        #expect(started.wait(timeout: .now() + 60) == .success)
        try holder.execute("COMMIT")
        try #require(finished.wait(timeout: .now() + 60) == .success)
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: Never.self) { try result.get() }
        let rows = try holder.prepare("SELECT who FROM t ORDER BY rowid").rows()
        #expect(rows == [[.text("holder")], [.text("patient")]])
    }

    @Test("execute runs several statements separated by semicolons")
    func executeSeveral() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);")
        #expect(try db.scalarInt("SELECT sum(x) FROM t") == 3)
        #expect(try db.scalarInt("SELECT x FROM t WHERE x > 5") == nil)
    }
}
