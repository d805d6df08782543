import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// `initialize`, `inspect` and `checkIntegrity` on real directories: what a
/// run leaves is reported as it is, and damage of each kind is found and
/// named.
@Suite struct StoreInspectionTests {
    /// A finished two-worker run over `words` with a running count per word.
    private func runCounts(_ words: [String], directory: String, partitions: Int = 3) throws -> SQLiteRecoveryStore {
        let flow = Dataflow("inspect")
        flow.input("words", TestingSource(words))
            .keyOn("key") { $0 }
            .statefulMap("count") { (count: Int?, _: String) in ((count ?? 0) + 1, (count ?? 0) + 1) }
            .map("fmt") { "\($0.key)=\($0.value)" }
            .output("out", TestingSink<String>())
        let store = try SQLiteRecoveryStore(directory: directory, flowID: flow.id, partitions: partitions)
        let running = start(flow, configuration: recoveryConfiguration(workers: 2, store: store))
        #expect(try running.wait(timeout: .seconds(30)), "the run hangs")
        return store
    }

    private func execute(_ sql: String, in path: String) throws {
        try SQLiteConnection(path: path).execute(sql)
    }

    @Test func initializeCreatesAnUnclaimedStoreThatTheFirstRunClaims() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let paths = try SQLiteRecoveryStore.initialize(directory: directory, partitions: 3)
        #expect(paths == (0..<3).map { "\(directory)/part-\($0).sqlite" })
        let fresh = try SQLiteRecoveryStore.inspect(directory: directory)
        #expect(fresh.flowID == nil && fresh.partitions.count == 3 && fresh.committedEpoch == nil)
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: directory) == [])

        // The partition count asked for by a run does not override the directory's.
        let store = try runCounts(["a", "b", "a"], directory: directory, partitions: 5)
        #expect(store.partitionCount == 3)
        let claimed = try SQLiteRecoveryStore.inspect(directory: directory)
        #expect(claimed.flowID == "inspect")
        #expect(throws: RecoveryStoreError.self) { _ = try SQLiteRecoveryStore(directory: directory, flowID: "other") }
    }

    @Test func initializeRefusesAnExistingStoreNamingItAndTouchesNothing() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        _ = try runCounts(["a"], directory: directory, partitions: 2)
        let before = try SQLiteRecoveryStore.inspect(directory: directory)
        do {
            try SQLiteRecoveryStore.initialize(directory: directory, partitions: 4)
            Issue.record("an existing store must be refused")
        } catch let error as RecoveryStoreError {
            #expect("\(error)".contains(directory) && "\(error)".contains("inspect") && "\(error)".contains("2 partition files"),
                    "\(error)")
        }
        let after = try SQLiteRecoveryStore.inspect(directory: directory)
        #expect(after.partitions.map(\.snapshotRows) == before.partitions.map(\.snapshotRows))
        #expect(after.committedEpoch == before.committedEpoch && after.partitions.count == 2)
        #expect(throws: RecoveryStoreError.self) { try SQLiteRecoveryStore.initialize(directory: dir.file("zero"), partitions: 0) }
    }

    @Test func inspectReportsWhatARunLeft() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let words = (0..<200).map { "w\($0 % 17)" }
        let store = try runCounts(words, directory: directory)
        let summary = try SQLiteRecoveryStore.inspect(directory: directory)
        #expect(summary.flowID == "inspect")
        #expect(summary.formatVersion == 1)
        #expect(summary.partitions.map(\.index) == [0, 1, 2])
        #expect(summary.partitions.allSatisfy { $0.bytes > 0 && $0.schemaVersion == Int(RecoverySchema.migrations.latest.rawValue) })
        #expect(summary.committedEpoch == (try store.committedEpoch()?.rawValue))
        let execution = try #require(summary.executions.last)
        #expect(execution.workerCount == 2 && execution.workers.map(\.index) == [0, 1] && execution.workers.allSatisfy(\.ended))
        #expect(summary.steps.first { $0.id == "inspect.count" }?.liveKeys == 17, "\(summary.steps)")
        #expect(summary.steps.first { $0.id == "inspect.words" }?.liveKeys == 1, "\(summary.steps)")
        #expect(try store.checkIntegrity() == [])
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: directory) == [])
    }

    @Test func inspectingSomethingThatIsNoStoreNamesIt() throws {
        let dir = try TemporaryDirectory()
        for path in [dir.file("missing"), dir.path] {
            do {
                _ = try SQLiteRecoveryStore.inspect(directory: path)
                Issue.record("\(path) holds no store")
            } catch let error as RecoveryStoreError {
                #expect("\(error)".contains(path), "\(error)")
            }
        }
    }

    @Test func filesOfDifferentDataflowsAreAProblem() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        _ = try runCounts(["a"], directory: directory)
        try execute("UPDATE meta SET value = 'intruder' WHERE key = 'flow_id'", in: "\(directory)/part-1.sqlite")
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        #expect(problems.count == 1 && problems[0].contains("part-1.sqlite") && problems[0].contains("intruder"), "\(problems)")
    }

    @Test func aMissingFileAndAWrongPartitionCountAreProblems() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        _ = try runCounts(["a"], directory: directory)
        try FileManager.default.removeItem(atPath: "\(directory)/part-1.sqlite")
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: directory).contains { $0.contains("part-1.sqlite") && $0.contains("missing") })
        // The last file gone leaves no gap, but the others remember there were three.
        try FileManager.default.removeItem(atPath: "\(directory)/part-2.sqlite")
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        #expect(problems.contains { $0.contains("part-0.sqlite") && $0.contains("3 partition files") }, "\(problems)")
        do {
            _ = try SQLiteRecoveryStore(directory: directory, flowID: "inspect")
            Issue.record("a store missing its last file must be refused")
        } catch let error as RecoveryStoreError {
            #expect("\(error)".contains("part-1.sqlite"), "\(error)")
        }
    }

    @Test func insaneProgressRowsAreProblems() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        _ = try runCounts(["a"], directory: directory)
        let part0 = "\(directory)/part-0.sqlite"
        try execute("INSERT INTO progress VALUES (90, 7, 2, 5, 0)", in: part0)   // worker 7 of 2
        try execute("INSERT INTO progress VALUES (91, 1, 2, 5, 0)", in: part0)   // worker 1 writes part-1
        try execute("INSERT INTO snapshots (step, key, epoch, state) VALUES ('x', 'k', 999999, NULL)", in: part0)
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        #expect(problems.contains { $0.contains("worker 7") && $0.contains("out of range") }, "\(problems)")
        #expect(problems.contains { $0.contains("worker 1 in execution 91") && $0.contains("part-1.sqlite") }, "\(problems)")
        #expect(problems.contains { $0.contains("999999") }, "\(problems)")
    }

    @Test func aDamagedFileFailsSQLitesIntegrityCheck() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let words = (0..<3000).map { "a-rather-long-key-to-fill-several-pages-\($0)" }
        do { _ = try runCounts(words, directory: directory, partitions: 1) }
        let path = "\(directory)/part-0.sqlite"
        // Checkpoint the WAL into the file, so the damage below hits live pages.
        try execute("PRAGMA wal_checkpoint(TRUNCATE)", in: path)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size > 8 * 4096, "the file must span several pages")
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 8192))
        try handle.close()
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        #expect(problems.contains { $0.contains("part-0.sqlite") }, "\(problems)")
    }
}
