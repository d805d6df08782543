import Foundation
import Sluice
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// A damaged store is refused, never silently restarted. Each test writes
/// committed epochs through the store's API into a two-file store, copies
/// the directory as a kill -9 leaves it (database files and write-ahead
/// logs, while the store is open), damages the copy one way, and requires
/// that opening and resuming it fails with an error naming the damaged file
/// and the reason, and that `checkIntegrity` reports it.
@Suite struct StoreDamageTests {
    private static let step: StepID = "damage.count"
    private static let epochs = 12
    private static let keys = 40

    /// Writes epochs 1...12 with `workers` workers into a two-file store and
    /// returns it (open) with the states committed at epoch 12.
    private func writtenStore(_ directory: String, workers: Int) throws -> (SQLiteRecoveryStore, [String: [UInt8]]) {
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage", partitions: 2)
        try store.beginExecution(workerCount: workers)
        for epoch in 1...Self.epochs {
            for worker in 0..<workers {
                let records = (0..<Self.keys).filter { $0 % workers == worker }.map {
                    SnapshotRecord(step: Self.step, key: "k\($0)", state: Array("state of k\($0) at \(epoch)".utf8))
                }
                try store.write(epoch: Epoch(UInt64(epoch)), worker: WorkerIndex(worker), records: records, ended: false)
            }
        }
        let states = Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("k\($0)", Array("state of k\($0) at \(Self.epochs)".utf8)) })
        return (store, states)
    }

    /// Copies the files of an open store as a kill -9 would leave them: each
    /// database file and its write-ahead log (the shared-memory index is rebuilt).
    private func crashCopy(_ directory: String, to copy: String) throws {
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasPrefix("part-") && !name.hasSuffix("-shm") {
            try FileManager.default.copyItem(atPath: "\(directory)/\(name)", toPath: "\(copy)/\(name)")
        }
    }

    /// A crashed store of `workers` workers (copied while open) in `dir/crashed`, with the original kept open.
    private func crashedStore(_ dir: TemporaryDirectory, workers: Int) throws -> (String, SQLiteRecoveryStore, [String: [UInt8]]) {
        let (store, states) = try writtenStore(dir.file("live"), workers: workers)
        let copy = dir.file("crashed")
        try crashCopy(dir.file("live"), to: copy)
        let wal = RecoveryDirectory.size(of: "\(copy)/part-0.sqlite-wal")
        #expect(wal > 32 + 24 + 4096, "the crash must leave committed epochs in part-0's write-ahead log (\(wal) bytes)")
        return (copy, store, states)
    }

    /// Opening and resuming must fail naming `file` and one of `words`; the
    /// check must report `file`. A store refused at open is left exactly as
    /// found (its damaged write-ahead log too), and so is one only checked.
    private func expectRefused(_ directory: String, naming file: String, saying words: [String]) throws {
        let found = try contents(directory)
        var opened: SQLiteRecoveryStore?
        do {
            let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage")
            opened = store
            let resume = try store.resumePoint()
            Issue.record("the damaged store must be refused, not resumed at \(resume.map { "epoch \($0.epoch)" } ?? "the start")")
        } catch {
            let text = "\(error)"
            #expect(text.contains("\(directory)/\(file)"), "\(text)")
            #expect(words.contains { text.localizedCaseInsensitiveContains($0) }, "'\(text)' should say one of \(words)")
        }
        if opened == nil {
            #expect(try contents(directory) == found, "a store refused at open must be left as found")
        }
        let checked = try contents(directory)
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        #expect(problems.contains { $0.contains(file) }, "\(problems)")
        #expect(try contents(directory) == checked, "a check must leave the files as found")
    }

    /// The bytes of each partition file and write-ahead log, by name. An
    /// empty log is left out: SQLite reads it as no log (a read-only
    /// connection creates one where none was).
    private func contents(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasPrefix("part-") && !name.hasSuffix("-shm") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
            if !(name.hasSuffix("-wal") && bytes.isEmpty) { files[name] = bytes }
        }
        return files
    }

    /// Overwrites `count` bytes at `offset` of a file with 0xA5.
    private func flip(_ path: String, at offset: UInt64, count: Int = 16) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        let old = try handle.read(upToCount: count) ?? Data()
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(old.map { $0 ^ 0xA5 }))
        try handle.close()
    }

    /// Runs SQL on a file directly, as an operator's `sqlite3` would.
    private func execute(_ sql: String, in path: String) throws {
        try SQLiteConnection(path: path).execute(sql)
    }

    // MARK: The eight damages

    @Test(arguments: [1, 2])
    func flippedBytesInAWriteAheadLogAreRefused(workers: Int) throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: workers)
        // The first frame's page: SQLite ignores that frame and every later one.
        try flip("\(copy)/part-0.sqlite-wal", at: 32 + 24 + 200)
        try expectRefused(copy, naming: "part-0.sqlite", saying: ["lost committed epoch", "lost its"])
    }

    @Test(arguments: [1, 2])
    func aTruncatedWriteAheadLogIsRefused(workers: Int) throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: workers)
        try #require(truncate("\(copy)/part-0.sqlite-wal", 32 + 2 * (24 + 4096) + 100) == 0)
        try expectRefused(copy, naming: "part-0.sqlite", saying: ["lost committed epoch", "lost its"])
    }

    @Test(arguments: [1, 2])
    func aDeletedWriteAheadLogIsRefused(workers: Int) throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: workers)
        try FileManager.default.removeItem(atPath: "\(copy)/part-0.sqlite-wal")
        try expectRefused(copy, naming: "part-0.sqlite", saying: ["lost committed epoch", "lost its"])
    }

    @Test(arguments: [false, true])
    func aFileTruncatedToZeroBytesIsRefused(afterCrash: Bool) throws {
        let dir = try TemporaryDirectory()
        let copy: String
        if afterCrash {
            copy = try crashedStore(dir, workers: 2).0
        } else {
            copy = dir.file("stopped")
            _ = try writtenStore(copy, workers: 2)   // released: a clean stop
        }
        try #require(truncate("\(copy)/part-1.sqlite", 0) == 0)
        try expectRefused(copy, naming: "part-1.sqlite", saying: ["empty"])
    }

    @Test func aFileReplacedByAFreshlyInitializedOneIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        try SQLiteRecoveryStore.initialize(directory: dir.file("fresh"), partitions: 2)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "\(copy)/part-1.sqlite\(suffix)") }
        try FileManager.default.copyItem(atPath: dir.file("fresh/part-1.sqlite"), toPath: "\(copy)/part-1.sqlite")
        try expectRefused(copy, naming: "part-1.sqlite", saying: ["another store"])
    }

    @Test func aFileOfAnotherStoreOfTheSameDataflowIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        let other = dir.file("other")
        _ = try writtenStore(other, workers: 2)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "\(copy)/part-1.sqlite\(suffix)") }
        try FileManager.default.copyItem(atPath: "\(other)/part-1.sqlite", toPath: "\(copy)/part-1.sqlite")
        try expectRefused(copy, naming: "part-1.sqlite", saying: ["another store"])
    }

    /// Where bytes of the snapshots table's page are flipped.
    enum PageDamage: CaseIterable, Sendable { case pageHeader, rowContent }

    @Test(arguments: PageDamage.allCases)
    func flippedBytesInAPageOfTheSnapshotsTableAreRefused(damage: PageDamage) throws {
        let dir = try TemporaryDirectory()
        let copy = dir.file("stopped")
        _ = try writtenStore(copy, workers: 1)   // released: a clean stop, every page in the file
        let path = "\(copy)/part-0.sqlite"
        #expect(RecoveryDirectory.size(of: path + "-wal") == 0)
        switch damage {
        case .pageHeader:
            let root = try #require(try SQLiteConnection(path: path, options: .init(readOnly: true)).scalarInt(
                "SELECT rootpage FROM sqlite_master WHERE name = 'snapshots'"))
            try flip(path, at: UInt64(root - 1) * 4096, count: 8)
        case .rowContent:
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let state = Data("state of k5 at \(Self.epochs)".utf8)
            let found = try #require(bytes.range(of: state), "the state must be in the file")
            try flip(path, at: UInt64(found.lowerBound + 9), count: 1)
        }
        try expectRefused(copy, naming: "part-0.sqlite", saying: ["integrity", "checksum", "malformed", "corrupt"])
    }

    @Test func oneChangedByteOfAStoredStateIsRefusedNamingTheStepAndKey() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        try execute(
            "UPDATE snapshots SET state = CAST('S' AS BLOB) || substr(state, 2) WHERE key = 'k3' AND epoch = \(Self.epochs)",
            in: "\(copy)/part-1.sqlite")
        try expectRefused(copy, naming: "part-1.sqlite", saying: ["checksum"])
        let store = try SQLiteRecoveryStore(directory: copy, flowID: "damage")
        #expect(throws: RecoveryStoreError.self) { try store.resumePoint() }
        do { _ = try store.resumePoint() } catch { #expect("\(error)".contains("'damage.count', key 'k3'"), "\(error)") }
    }

    @Test func aRowWithoutChecksumInAFileWrittenWithChecksumsIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        try execute("UPDATE snapshots SET checksum = NULL WHERE key = 'k2'", in: "\(copy)/part-0.sqlite")
        try expectRefused(copy, naming: "part-0.sqlite", saying: ["no checksum"])
    }

    @Test func aFileThatLostItsMetadataIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        try execute("DELETE FROM meta WHERE key IN ('store_id', 'flow_id'); DELETE FROM progress", in: "\(copy)/part-1.sqlite")
        try expectRefused(copy, naming: "part-1.sqlite", saying: ["lost its store id"])
    }

    // MARK: Sound stores

    @Test(arguments: [1, 2])
    func aCrashedStoreWithItsWriteAheadLogsResumesExactly(workers: Int) throws {
        let dir = try TemporaryDirectory()
        let (copy, _, states) = try crashedStore(dir, workers: workers)
        try expectResumes(copy, states: states)
    }

    @Test func aCleanlyStoppedStoreResumesExactlyAndAgainAfterAnotherExecution() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("stopped")
        let (_, states) = try writtenStore(directory, workers: 2)
        try expectResumes(directory, states: states)
        // A second execution with another worker count, crashed, resumes too.
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage")
        try store.beginExecution(workerCount: 1)
        let later = [SnapshotRecord(step: Self.step, key: "k0", state: Array("later".utf8))]
        try store.write(epoch: Epoch(13), worker: WorkerIndex(0), records: later, ended: false)
        try store.write(epoch: Epoch(14), worker: WorkerIndex(0), records: [], ended: false)
        try crashCopy(directory, to: dir.file("crashed"))
        var expected = states
        expected["k0"] = Array("later".utf8)
        try expectResumes(dir.file("crashed"), states: expected, epoch: 14)
    }

    private func expectResumes(_ directory: String, states: [String: [UInt8]], epoch: UInt64 = UInt64(epochs)) throws {
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: directory) == [])
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage")
        let resume = try #require(try store.resumePoint())
        #expect(resume.epoch == Epoch(epoch))
        #expect(resume.states[Self.step] == states)
    }

    // MARK: Identity, upgrade, creation, paths

    @Test func everyFileCarriesTheStoreIdAndItsIndex() throws {
        let dir = try TemporaryDirectory()
        let (store, _) = try writtenStore(dir.file("live"), workers: 2)
        let ids = try store.partitions.map { p in
            try p.withConnection { db in
                [try RecoveryDirectory.meta(RecoverySchema.storeIDKey, in: db), try RecoveryDirectory.meta(RecoverySchema.partitionIndexKey, in: db)]
            }
        }
        #expect(ids[0][0] != nil && ids[0][0] == ids[1][0] && UUID(uuidString: ids[0][0] ?? "") != nil, "\(ids)")
        #expect(ids.map { $0[1] } == ["0", "1"])
        #expect(try SQLiteRecoveryStore.inspect(directory: dir.file("live")).storeID == ids[0][0])
    }

    /// Makes a store look as one written before store ids and checksums (schema version 2).
    private func downgrade(_ path: String) throws {
        try execute(
            """
            ALTER TABLE snapshots DROP COLUMN checksum;
            DELETE FROM meta WHERE key IN ('store_id', 'partition_index', 'committed_through', 'unchecksummed_through');
            DROP TABLE IF EXISTS membership;
            PRAGMA user_version = 2;
            """, in: path)
    }

    @Test func aStoreWrittenBeforeStoreIdsIsUpgradedOnce() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("stopped")
        let (_, states) = try writtenStore(directory, workers: 2)
        for index in 0..<2 { try downgrade("\(directory)/part-\(index).sqlite") }
        try expectResumes(directory, states: states)
        let ids = try (0..<2).map { try RecoveryDirectory.meta(RecoverySchema.storeIDKey, in: SQLiteConnection(path: "\(directory)/part-\($0).sqlite")) }
        #expect(ids[0] != nil && ids[0] == ids[1], "\(ids)")
        // Opened again, it keeps its id.
        _ = try SQLiteRecoveryStore(directory: directory, flowID: "damage")
        #expect(try RecoveryDirectory.meta(RecoverySchema.storeIDKey, in: SQLiteConnection(path: "\(directory)/part-1.sqlite")) == ids[1])
    }

    @Test func aStoreWhereOnlySomeFilesHaveAnIdIsRefused() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("stopped")
        _ = try writtenStore(directory, workers: 2)
        try downgrade("\(directory)/part-0.sqlite")
        try expectRefused(directory, naming: "part-0.sqlite", saying: ["lost its store id"])
    }

    @Test func aCreationInterruptedBetweenItsRenamesIsCompleted() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("creating")
        try SQLiteRecoveryStore.initialize(directory: directory, partitions: 3)
        try FileManager.default.moveItem(atPath: "\(directory)/part-2.sqlite", toPath: "\(directory)/.part-2.sqlite.creating")
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage")
        #expect(store.partitionCount == 3)
        #expect(try store.checkIntegrity() == [])
    }

    @Test func aCreationInterruptedBeforeItsRenamesStartsOver() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("creating")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: "\(directory)/.part-0.sqlite.creating"))
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "damage", partitions: 2)
        #expect(store.partitionCount == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/.part-0.sqlite.creating"))
        #expect(try store.resumePoint() == nil)
    }

    /// Every partition file deleted but their write-ahead logs left behind
    /// (a careless clean-up): a new store would take the old logs' pages.
    @Test func writeAheadLogsWithoutTheirFilesAreRefusedAndLeftAsFound() throws {
        let dir = try TemporaryDirectory()
        let (copy, _, _) = try crashedStore(dir, workers: 2)
        for index in 0..<2 { try FileManager.default.removeItem(atPath: "\(copy)/part-\(index).sqlite") }
        let before = try contents(copy)
        let error = try #require(throws: RecoveryStoreError.self) {
            _ = try SQLiteRecoveryStore(directory: copy, flowID: "damage")
        }
        #expect("\(error)".contains("'\(copy)/part-0.sqlite-wal' without '\(copy)/part-0.sqlite'"), "\(error)")
        #expect(try contents(copy) == before, "the refusal changed the store's files")
        #expect(!FileManager.default.fileExists(atPath: "\(copy)/part-0.sqlite"), "a new file would take the old log")
        #expect(throws: RecoveryStoreError.self) { _ = try SQLiteRecoveryStore.checkIntegrity(directory: copy) }
        #expect(throws: RecoveryStoreError.self) { try SQLiteRecoveryStore.initialize(directory: copy, partitions: 2) }
    }

    @Test func aPartitionCountBeyondTheLimitIsRefused() throws {
        let dir = try TemporaryDirectory()
        let error = try #require(throws: RecoveryStoreError.self) {
            try SQLiteRecoveryStore.initialize(directory: dir.file("huge"), partitions: 100_000)
        }
        #expect("\(error)".contains("from 1 to 4096 partition files, got 100000"), "\(error)")
        let created = (try? FileManager.default.contentsOfDirectory(atPath: dir.file("huge"))) ?? []
        #expect(created.isEmpty, "\(created.count) files were created")
    }

    @Test func aPathBelowAFileIsAPlainSentenceNamingIt() throws {
        let dir = try TemporaryDirectory()
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: dir.file("file")))
        do {
            _ = try SQLiteRecoveryStore(directory: dir.file("file/recovery"), flowID: "damage")
            Issue.record("a path below a file must be refused")
        } catch {
            let text = "\(error)"
            #expect(text.contains("'\(dir.file("file"))' is a file, not a directory"), "\(text)")
            #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("Code="), "\(text)")
        }
    }
}
