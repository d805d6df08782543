import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// The SQLite recovery store, on real files: exactly-once resume across
/// store instances (as a restarted process sees it), rescaling, and the
/// directories it must refuse.
@Suite struct SQLiteRecoveryStoreTests {
    private func makeFlow(_ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        runningCountsAndTotals("store_test", source, running: running, totals: totals)
    }

    @Test(arguments: [(2, 3), (3, 1), (1, 2)])
    func abortAndResumeWithAFreshStoreInstanceIsExactlyOnce(workers: (first: Int, second: Int)) throws {
        let dir = try TemporaryDirectory()
        let recovery = dir.file("recovery")
        let words = (0..<600).map { "k\(($0 * 7) % 12)" }
        var events = words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: 400)
        let source = TestingSource(events: events)
        let running = TestingSink<String>()
        let totals = TestingSink<String>()

        let first = try SQLiteRecoveryStore(directory: recovery, flowID: "store_test", partitions: 2)
        #expect(throws: DataflowError.self) {
            try run(makeFlow(source, running: running, totals: totals), configuration: recoveryConfiguration(workers: workers.first, store: first))
        }
        // A new instance, as a restarted process would open it.
        let second = try SQLiteRecoveryStore(directory: recovery, flowID: "store_test")
        #expect(second.partitionCount == 2)
        try run(makeFlow(source, running: running, totals: totals), configuration: recoveryConfiguration(workers: workers.second, store: second))

        let expected = Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(totals.items.sorted() == expected.map { "\($0.key)=\($0.value)" }.sorted())
        #expect(highestCounts(running.items) == expected)
        #expect(try second.committedEpoch() != nil)
    }

    @Test func aDirectoryOfAnotherDataflowIsRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let recovery = dir.file("recovery")
        _ = try SQLiteRecoveryStore(directory: recovery, flowID: "orders", partitions: 2)
        do {
            _ = try SQLiteRecoveryStore(directory: recovery, flowID: "payments")
            Issue.record("another dataflow's directory must be refused")
        } catch let error as RecoveryStoreError {
            #expect("\(error)".contains("part-0.sqlite") && "\(error)".contains("orders") && "\(error)".contains("payments"), "\(error)")
        }
    }

    @Test func aMissingPartitionFileIsRefusedNamingIt() throws {
        let dir = try TemporaryDirectory()
        let recovery = dir.file("recovery")
        _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f", partitions: 3)
        try FileManager.default.removeItem(atPath: "\(recovery)/part-1.sqlite")
        do {
            _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f")
            Issue.record("a missing partition must be refused")
        } catch let error as RecoveryStoreError {
            #expect("\(error)".contains("part-1.sqlite"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(recovery)/part-1.sqlite"), "nothing was recreated")
    }

    @Test func aCorruptPartitionFileIsRefusedNamingIt() throws {
        let dir = try TemporaryDirectory()
        let recovery = dir.file("recovery")
        _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f", partitions: 2)
        let path = "\(recovery)/part-0.sqlite"
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f")
            Issue.record("a corrupt file must be refused")
        } catch {
            #expect("\(error)".contains("part-0.sqlite"), "\(error)")
        }
    }

    @Test func aDirectoryFromANewerSluiceIsRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let recovery = dir.file("recovery")
        _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f", partitions: 1)
        let db = try SQLiteConnection(path: "\(recovery)/part-0.sqlite")
        try db.execute("PRAGMA user_version = 99")
        do {
            _ = try SQLiteRecoveryStore(directory: recovery, flowID: "f")
            Issue.record("a newer schema must be refused")
        } catch {
            #expect("\(error)".contains("part-0.sqlite") && "\(error)".contains("newer"), "\(error)")
        }
    }

    @Test func aRunWithAStoreInAnUnusablePlaceFailsBeforeAnyWork() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("not-a-directory")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: RecoveryStoreError.self) { _ = try SQLiteRecoveryStore(directory: file, flowID: "f") }
    }
}

/// The README's recovery block, verbatim but for the directory (a temporary
/// one) and `print` (an expectation); a second run reads nothing twice.
@Suite struct ReadmeRecoveryTests {
    @Test func readmeBlock() throws {
        let dir = try TemporaryDirectory()
        func makeFlow(_ totals: TestingSink<String>) -> Dataflow {
            let flow = Dataflow("totals")
            flow.input("words", TestingSource(["a", "b", "a"]))
                .keyOn("by_word") { $0 }
                .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
                .map("format") { "\($0.key)=\($0.value)" }
                .output("out", totals)
            return flow
        }
        let totals = TestingSink<String>()
        let flow = makeFlow(totals)
        var config = RunConfiguration(workers: 2)
        config.recoveryStore = try SQLiteRecoveryStore(directory: dir.file("recovery"), flowID: flow.id)
        try run(flow, configuration: config)
        #expect(totals.items.sorted() == ["a=2", "b=1"])

        let again = TestingSink<String>()
        var second = RunConfiguration(workers: 2)
        second.recoveryStore = try SQLiteRecoveryStore(directory: dir.file("recovery"), flowID: "totals")
        try run(makeFlow(again), configuration: second)
        #expect(again.items.isEmpty)
    }
}
