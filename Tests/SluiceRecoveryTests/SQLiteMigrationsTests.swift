import Foundation
import SluiceEngine
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

@Suite("SQLiteMigrations")
struct SQLiteMigrationsTests {
    /// Three small steps that each leave a trace.
    private let three = SQLiteMigrations([
        (1, "CREATE TABLE a (x INTEGER)"),
        (2, "CREATE TABLE b (y TEXT); INSERT INTO a VALUES (2)"),
        (3, "ALTER TABLE b ADD COLUMN z BLOB; INSERT INTO a VALUES (3)"),
    ])

    @Test("a fresh database gets every step, in order, once; reopening applies nothing")
    func appliesInOrderOnce() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            #expect(try SQLiteMigrations.version(of: db) == .empty)
            #expect(try three.apply(to: db) == [SchemaVersion(1), SchemaVersion(2), SchemaVersion(3)])
            #expect(try SQLiteMigrations.version(of: db) == SchemaVersion(3))
            #expect(try three.apply(to: db) == [])
        }
        let db = try SQLiteConnection(path: path)
        #expect(try three.apply(to: db) == [])
        #expect(try SQLiteMigrations.version(of: db) == SchemaVersion(3))
        #expect(try db.prepare("SELECT x FROM a ORDER BY rowid").rows() == [[.integer(2)], [.integer(3)]])
    }

    @Test("a database at an older version gets only the missing steps")
    func appliesOnlyMissingSteps() throws {
        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("a.sqlite"))
        let firstTwo = SQLiteMigrations(Array(three.steps.prefix(2).map { ($0.version.rawValue, $0.sql) }))
        #expect(try firstTwo.apply(to: db) == [SchemaVersion(1), SchemaVersion(2)])
        #expect(try three.apply(to: db) == [SchemaVersion(3)])
        #expect(try db.scalarInt("SELECT count(*) FROM a") == 2)
    }

    @Test("a failing step rolls back alone: earlier steps stay, the version stays, the error names file and SQL")
    func failingStepRollsBack() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let db = try SQLiteConnection(path: path)
        let broken = SQLiteMigrations([
            (1, "CREATE TABLE a (x INTEGER)"),
            (2, "CREATE TABLE b (y TEXT); INSERT INTO nowhere VALUES (1)"),
        ])
        let error = #expect(throws: SQLiteError.self) { try broken.apply(to: db) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("no such table: nowhere") == true)
        #expect(error?.sql?.contains("INSERT INTO nowhere") == true)
        #expect(try SQLiteMigrations.version(of: db) == SchemaVersion(1))
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'b'") == 0)
        #expect(!db.isInTransaction)
    }

    @Test("a database written by a newer Sluice is refused, naming the file and both versions")
    func newerVersionRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("part-0.sqlite")
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA user_version = 7")
        let error = #expect(throws: SQLiteSchemaTooNewError.self) { try RecoverySchema.migrations.apply(to: db) }
        #expect(error?.path == path)
        #expect(error?.found == SchemaVersion(7))
        #expect(error?.known == RecoverySchema.migrations.latest)
        let text = error?.description ?? ""
        #expect(text.contains(path))
        #expect(text.contains("written by a newer Sluice"))
        #expect(text.contains("7"))
        #expect(text.contains("\(RecoverySchema.migrations.latest.rawValue)"))
        // Refused, not touched.
        #expect(try SQLiteMigrations.version(of: db) == SchemaVersion(7))
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master") == 0)
    }

    @Test("two threads migrating the same fresh file apply each step exactly once")
    func concurrentMigration() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a.sqlite")
        let applied = Locked<[[SchemaVersion]]>([])
        let failures = Locked<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let steps = three
        for _ in 0..<2 {
            Thread {
                defer { done.signal() }
                do {
                    let db = try SQLiteConnection(path: path, options: .init(busyTimeoutMilliseconds: 60_000))
                    let mine = try steps.apply(to: db)
                    applied.withLock { $0.append(mine) }
                } catch {
                    failures.withLock { $0.append(String(describing: error)) }
                }
            }.start()
        }
        for _ in 0..<2 { try #require(done.wait(timeout: .now() + 60) == .success) }
        #expect(failures.withLock { $0 } == [])
        let all = applied.withLock { $0 }.flatMap { $0 }.sorted()
        #expect(all == [SchemaVersion(1), SchemaVersion(2), SchemaVersion(3)])
        let db = try SQLiteConnection(path: path)
        #expect(try db.scalarInt("SELECT count(*) FROM a") == 2)
    }

    /// Validates the recovery store's real migrations: numbered 1…n, and a
    /// fresh database run through all of them has exactly the expected schema
    /// and contents, and passes SQLite's integrity check.
    @Test("the recovery schema's migrations apply to a fresh database and give the expected schema")
    func recoverySchemaValidates() throws {
        let migrations = RecoverySchema.migrations
        #expect(migrations.steps.map(\.version.rawValue) == Array(1...Int32(migrations.steps.count)))

        let dir = try TemporaryDirectory()
        let db = try SQLiteConnection(path: dir.file("part-0.sqlite"))
        #expect(try migrations.apply(to: db) == migrations.steps.map(\.version))
        #expect(try SQLiteMigrations.version(of: db) == migrations.latest)

        let objects = try db.prepare(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).rows()
        #expect(
            objects == [
                [.text("table"), .text("membership")], [.text("table"), .text("meta")], [.text("table"), .text("progress")],
                [.text("table"), .text("snapshots")],
            ])
        let snapshotColumns = try db.prepare("SELECT name, pk FROM pragma_table_info('snapshots') ORDER BY cid").rows()
        #expect(
            snapshotColumns == [
                [.text("step"), .integer(1)], [.text("key"), .integer(2)], [.text("epoch"), .integer(3)],
                [.text("state"), .integer(0)], [.text("checksum"), .integer(0)],
            ])
        let progressColumns = try db.prepare("SELECT name, pk FROM pragma_table_info('progress') ORDER BY cid").rows()
        #expect(
            progressColumns == [
                [.text("execution"), .integer(1)], [.text("worker"), .integer(2)], [.text("worker_count"), .integer(0)],
                [.text("epoch"), .integer(0)], [.text("ended"), .integer(0)],
            ])
        let columns = try db.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info('meta') ORDER BY cid")
            .rows()
        #expect(
            columns == [
                [.text("key"), .text("TEXT"), .integer(1), .integer(1)],
                [.text("value"), .text("TEXT"), .integer(1), .integer(0)],
            ])
        let meta = try db.prepare("SELECT key, value FROM meta ORDER BY key").rows()
        #expect(meta == [[.text(RecoverySchema.formatVersionKey), .text("\(SnapshotFormatVersion.current.rawValue)")]])
        #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try db.prepare("PRAGMA foreign_key_check").rows() == [])
    }

    @Test("typed ids encode as their raw values")
    func typedIDsCodable() throws {
        let encoded = try JSONEncoder().encode([SnapshotFormatVersion.current])
        #expect(try JSONDecoder().decode([SnapshotFormatVersion].self, from: encoded) == [.current])
        let flow: FlowID = "word_count"
        let decoded = try JSONDecoder().decode(FlowID.self, from: JSONEncoder().encode(flow))
        #expect(decoded == flow)
        #expect(SnapshotFormatVersion(1) < SnapshotFormatVersion(2))
    }
}
