import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// End to end: a run collects garbage over many epochs, fails, and the run
/// resumed from the collected store ends with exactly the state of an
/// uninterrupted run.
@Suite struct GarbageCollectionResumeTests {
    /// Emits its words one at a time, each in a later epoch than the one
    /// before: the next word waits until the store's committed epoch has moved
    /// past the one seen when the last was emitted. So a run spans at least as
    /// many committed epochs as words, by the store's own account, whatever the
    /// machine's speed. Fails (once) when it reaches `failAt`.
    final class PacedPartition: SourcePartition {
        let words: [String]
        let store: SQLiteRecoveryStore
        let failAt: Int?
        var position: Int
        private var lastSeen: UInt64?

        init(words: [String], position: Int, store: SQLiteRecoveryStore, failAt: Int?) {
            self.words = words
            self.position = position
            self.store = store
            self.failAt = failAt
        }

        struct PlannedFailure: Error {}

        func nextBatch() throws -> [String]? {
            if position == words.count { return nil }
            if position == failAt { throw PlannedFailure() }
            let committed = try store.committedEpoch()?.rawValue ?? 0
            if let lastSeen, committed <= lastSeen { return [] }
            lastSeen = committed
            defer { position += 1 }
            return [words[position]]
        }

        func nextAwake() -> Date? { Date() }

        func snapshot() -> Int { position }
    }

    struct PacedSource: PartitionedSource {
        let words: [String]
        let store: SQLiteRecoveryStore
        let failAt: Int?
        func listPartitions() throws -> [PartitionKey] { ["paced"] }
        func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> PacedPartition {
            PacedPartition(words: words, position: resumeState ?? 0, store: store, failAt: failAt)
        }
    }

    private func makeFlow(_ source: PacedSource, totals: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("paced")
        flow.input("words", source)
            .keyOn("key") { $0 }
            .foldFinal("total", initial: { 0 }) { total, _ in total + 1 }
            .map("fmt") { "\($0.key)=\($0.value)" }
            .output("out", totals)
        return flow
    }

    private func makeStore(_ directory: String) throws -> SQLiteRecoveryStore {
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "paced", partitions: 2)
        store.sweepEveryEpochs = 1
        store.sweepMinimumSeconds = 0
        return store
    }

    @Test(arguments: [(2, 2), (2, 3)])
    func aRunResumedFromACollectedStoreCountsEveryItemOnce(workers: (first: Int, second: Int)) throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let keys = 6
        let words = (0..<150).map { "k\($0 % keys)" }
        let totals = TestingSink<String>()

        let first = try makeStore(directory)
        let failing = start(makeFlow(PacedSource(words: words, store: first, failAt: 120), totals: totals),
                            configuration: recoveryConfiguration(workers: workers.first, store: first))
        do {
            let ended = try failing.wait(timeout: .seconds(60))
            Issue.record(ended ? "the first run must fail" : "the run hangs")
        } catch {
            #expect(error is DataflowError, "\(error)")
        }
        let committed = try #require(try first.committedEpoch())
        #expect(committed.rawValue >= 100, "at least one committed epoch per emitted word")
        // Every key was written in over 100 epochs; at most a couple of versions each are left at or
        // before the committed epoch. Rows after it (epochs a faster worker wrote before the failure,
        // more of them the busier the machine) belong to no snapshot yet: collection never touches them.
        let rows = try first.partitions.map { p in
            try p.withConnection { Int(try $0.scalarInt("SELECT count(*) FROM snapshots WHERE epoch <= \(committed.rawValue)") ?? 0) }
        }
        #expect(rows.reduce(0, +) <= 3 * (keys + 1), "rows per file: \(rows)")

        let second = try makeStore(directory)
        let resumed = start(makeFlow(PacedSource(words: words, store: second, failAt: nil), totals: totals),
                            configuration: recoveryConfiguration(workers: workers.second, store: second))
        #expect(try resumed.wait(timeout: .seconds(60)), "the run hangs")
        let expected = Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +).map { "\($0.key)=\($0.value)" }
        #expect(totals.items.sorted() == expected.sorted())
        #expect(try second.checkIntegrity() == [])
    }
}
