import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Exactly-once resume with the engine's recovery protocol and the in-memory
/// store: a run aborted at a scripted point and resumed (possibly with a
/// different worker count) ends with the same state as an uninterrupted run.
@Suite struct RecoveryResumeTests {
    /// 600 words over 12 keys, with an abort point after `abortAfter` items.
    private func script(abortAfter: Int) -> [TestingSource<String>.Event] {
        let words = (0..<600).map { "k\(($0 * 7) % 12)" }
        var events = words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: abortAfter)
        return events
    }

    /// The true count of every key.
    private var expectedTotals: [String: Int] {
        Dictionary((0..<600).map { ("k\(($0 * 7) % 12)", 1) }, uniquingKeysWith: +)
    }

    /// Running counts (statefulMap) and end-of-input totals (foldFinal) from one source.
    private func makeFlow(_ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        runningCountsAndTotals("recovery", source, running: running, totals: totals)
    }

    @Test(arguments: [(1, 1), (2, 2), (3, 3), (2, 3), (3, 1)], [37, 250, 599])
    func abortAndResumeCountsEveryItemOnce(workers: (first: Int, second: Int), abortAfter: Int) throws {
        let store = InMemoryRecoveryStore()
        let source = TestingSource(events: script(abortAfter: abortAfter))
        let running = TestingSink<String>()
        let totals = TestingSink<String>()

        // The first run stops at the abort point, like a crash.
        #expect(throws: DataflowError.self) {
            try run(makeFlow(source, running: running, totals: totals), configuration: recoveryConfiguration(workers: workers.first, store: store))
        }
        #expect(totals.items.isEmpty, "no end-of-input flush happens on an abort")

        // The resumed run passes the (fired) abort point and finishes.
        try run(makeFlow(source, running: running, totals: totals), configuration: recoveryConfiguration(workers: workers.second, store: store))

        // foldFinal's state came back exactly: totals equal an uninterrupted run's.
        let expected = expectedTotals
        #expect(totals.items.sorted() == expected.map { "\($0.key)=\($0.value)" }.sorted())
        // Running counts may repeat after the resume epoch (at-least-once
        // output) but never skip or exceed: each key's highest count is its total.
        #expect(highestCounts(running.items) == expected)
    }

    @Test func aCompletedRunStartedAgainContinuesWhereItsInputEnded() throws {
        let store = InMemoryRecoveryStore()
        let source = TestingSource((0..<100).map { "k\($0 % 5)" })
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        try run(makeFlow(source, running: running, totals: totals), configuration: recoveryConfiguration(workers: 2, store: store))
        #expect(totals.items.count == 5)
        #expect(store.committedEpoch != nil)

        let again = TestingSink<String>()
        let againTotals = TestingSink<String>()
        try run(makeFlow(source, running: again, totals: againTotals), configuration: recoveryConfiguration(workers: 3, store: store))
        #expect(again.items.isEmpty, "the source resumed at its end: nothing is read twice")
        #expect(againTotals.items.isEmpty, "foldFinal's keys were discarded at the end of the first run")
    }

    @Test func storedStateThatDoesNotDecodeNamesTheStepAndKey() throws {
        struct BrokenStore: RecoveryStore {
            func resumePoint() throws -> ResumePoint? {
                ResumePoint(epoch: Epoch(3), states: ["recovery.running": ["k1": Array("not json".utf8)]])
            }
            func beginExecution(workerCount: Int) throws {}
            func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {}
        }
        var configuration = RunConfiguration(workers: 2)
        configuration.recoveryStore = BrokenStore()
        let flow = makeFlow(TestingSource(["k1"]), running: TestingSink(), totals: TestingSink())
        do {
            try run(flow, configuration: configuration)
            Issue.record("a state that does not decode must stop the run")
        } catch let error as DataflowError {
            guard case let .recoveryFailed(step, key, reason) = error else {
                Issue.record("expected recoveryFailed, got \(error)")
                return
            }
            #expect(step == "recovery.running")
            #expect(key == "k1")
            #expect(reason.contains("Int"), "\(reason)")
        }
    }

    @Test func aStoreThatFailsToOpenStopsTheRunBeforeAnyWork() throws {
        struct UnopenableStore: RecoveryStore {
            struct Broken: Error, CustomStringConvertible { var description: String { "disk is read-only" } }
            func resumePoint() throws -> ResumePoint? { throw Broken() }
            func beginExecution(workerCount: Int) throws {}
            func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {}
        }
        var configuration = RunConfiguration(workers: 1)
        configuration.recoveryStore = UnopenableStore()
        let running = TestingSink<String>()
        let flow = makeFlow(TestingSource(["k1"]), running: running, totals: TestingSink())
        #expect(throws: DataflowError.self) { try run(flow, configuration: configuration) }
        #expect(running.items.isEmpty)
    }
}

/// Emits 0..<count one per poll; after `abortAt` items it waits (returning
/// empty batches) until the store has committed an epoch, then aborts once.
/// Its resume position is the next number, so a resumed run shows where it
/// restarted.
private struct CommitThenAbortSource: PartitionedSource {
    let count: Int
    let abortAt: Int
    let store: InMemoryRecoveryStore
    let firstResumedAt = FirstValue()

    /// The first value set, kept (thread-safe).
    final class FirstValue: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var value: Int?
        func set(_ new: Int) { lock.withLock { if value == nil { value = new } } }
        var get: Int? { lock.withLock { value } }
    }

    struct Aborted: Error {}

    func listPartitions() throws -> [PartitionKey] { ["only"] }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        if let resumeState { firstResumedAt.set(resumeState) }
        return Partition(source: self, next: resumeState ?? 0)
    }

    final class Partition: SourcePartition {
        let source: CommitThenAbortSource
        var next: Int
        let deadline = Date().addingTimeInterval(20)
        init(source: CommitThenAbortSource, next: Int) {
            self.source = source
            self.next = next
        }
        func nextBatch() throws -> [String]? {
            if next >= source.count { return nil }
            if next == source.abortAt && !source.hasResumed {
                // Abort the first run here, but only once an epoch is committed.
                guard source.store.committedEpoch != nil else {
                    if Date() > deadline { throw CancellationError() }  // bound, never a pass
                    return []
                }
                throw Aborted()
            }
            defer { next += 1 }
            return ["k\(next % 4)"]
        }
        func nextAwake() -> Date? { nil }
        func snapshot() -> Int { next }
    }

    var hasResumed: Bool { firstResumedAt.get != nil }
}

@Suite struct RecoveryResumePointTests {
    @Test func aResumedRunStartsFromTheCommittedPositionNotFromScratch() throws {
        let store = InMemoryRecoveryStore()
        let source = CommitThenAbortSource(count: 400, abortAt: 300, store: store)
        func flow(_ totals: TestingSink<String>) -> Dataflow { keyCountFlow("resume", source, totals: totals) }
        let configuration = recoveryConfiguration(workers: 2, store: store)

        let first = TestingSink<String>()
        #expect(throws: DataflowError.self) { try run(flow(first), configuration: configuration) }
        let committed = try #require(store.committedEpoch, "an epoch was committed before the abort")

        let second = TestingSink<String>()
        try run(flow(second), configuration: configuration)
        let resumedAt = try #require(source.firstResumedAt.get, "the second run's partition got a resume position")
        #expect(resumedAt > 0 && resumedAt <= 300, "resumed at \(resumedAt), after committed \(committed)")
        // Totals are exact: the restored fold state plus the items after it.
        #expect(second.items.sorted() == ["k0=100", "k1=100", "k2=100", "k3=100"])
    }
}

@Suite struct SnapshotIntervalTests {
    @Test func onlyEveryKthEpochAndTheFinalOneAreWritten() throws {
        let store = RecordingStore()
        let flow = Dataflow("interval")
        let totals = TestingSink<Int>()
        flow.input("n", TestingSource(Array(0..<3000)))
            .keyOn("key") { "k\($0 % 7)" }
            .foldFinal("sum", initial: { 0 }) { $0 + $1 }
            .map("value") { $0.value }
            .output("out", totals)
        var configuration = recoveryConfiguration(workers: 2, store: store)
        configuration.snapshotInterval = .milliseconds(4)
        try run(flow, configuration: configuration)
        #expect(totals.items.reduce(0, +) == (0..<3000).reduce(0, +))
        let writes = store.writes
        #expect(writes.filter(\.ended).count == 2, "each worker's last write is its final one")
        for write in writes where !write.ended {
            #expect(write.epoch % 4 == 0, "epoch \(write.epoch) is not a snapshot epoch")
        }
    }

    @Test func abortAndResumeStayExactlyOnceWithSparseSnapshots() throws {
        let store = InMemoryRecoveryStore()
        let words = (0..<600).map { "k\(($0 * 7) % 12)" }
        var events = words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: 420)
        let source = TestingSource(events: events)
        func flow(_ totals: TestingSink<String>) -> Dataflow { keyCountFlow("sparse", source, totals: totals) }
        var configuration = recoveryConfiguration(workers: 2, store: store)
        configuration.snapshotInterval = .milliseconds(3)
        let totals = TestingSink<String>()
        #expect(throws: DataflowError.self) { try run(flow(totals), configuration: configuration) }
        configuration.workers = 3
        try run(flow(totals), configuration: configuration)
        let expected = Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(totals.items.sorted() == expected.map { "\($0.key)=\($0.value)" }.sorted())
    }

    @Test func theFlagAndItsEnvironmentFormSetTheInterval() throws {
        let flag = try SluiceOptions.parse(["-s", "30", "--epoch-interval", "10"]).configuration(environment: [:])
        #expect(flag.snapshotInterval == .seconds(30))
        #expect(flag.epochsPerSnapshot == 3)
        let env = try SluiceOptions.parse([]).configuration(environment: ["SLUICE_SNAPSHOT_INTERVAL": "20"])
        #expect(env.snapshotInterval == .seconds(20))
        let none = try SluiceOptions.parse([]).configuration(environment: [:])
        #expect(none.snapshotInterval == nil && none.epochsPerSnapshot == 1)
        #expect(throws: DataflowError.self) {
            _ = try SluiceOptions.parse([]).configuration(environment: ["SLUICE_SNAPSHOT_INTERVAL": "0"])
        }
    }
}

/// `source` → count per word at the end of input → `"word=count"` lines in `totals`.
private func keyCountFlow<Source: PartitionedSource>(
    _ id: String, _ source: Source, totals: TestingSink<String>
) -> Dataflow where Source.Item == String {
    let flow = Dataflow(id)
    flow.input("words", source).keyOn("key") { $0 }
        .foldFinal("total", initial: { 0 }) { total, _ in total + 1 }
        .map("fmt") { "\($0.key)=\($0.value)" }
        .output("out", totals)
    return flow
}
