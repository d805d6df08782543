import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// Recovery across cluster members (in this process, over TCP): a run
/// aborted in one member resumes, with the same or another layout of
/// processes × workers, and counts every item once; committing sinks
/// publish once; members that see different stores refuse to start.
@Suite struct ClusterRecoveryTests {
    private static let words = (0..<600).map { "k\(($0 * 7) % 12)" }

    private var expectedTotals: [String] {
        Dictionary(Self.words.map { ($0, 1) }, uniquingKeysWith: +).map { "\($0.key)=\($0.value)" }.sorted()
    }

    private func source(abortAfter: Int) -> TestingSource<String> {
        var events = Self.words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: abortAfter)
        return TestingSource(events: events)
    }

    private func makeFlow(_ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        runningCountsAndTotals("cluster_recovery", source, running: running, totals: totals)
    }

    private func configuration(_ store: InMemoryRecoveryStore) -> RunConfiguration {
        var configuration = RunConfiguration()
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = store
        return configuration
    }

    @Test(arguments: [((2, 1), (2, 1)), ((2, 2), (1, 3)), ((1, 2), (2, 2)), ((3, 1), (2, 1))])
    func abortedAndResumedWithAnyLayoutCountsEveryItemOnce(
        first: (processes: Int, workers: Int), second: (processes: Int, workers: Int)
    ) throws {
        let store = InMemoryRecoveryStore()
        let source = source(abortAfter: 250)
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        #expect(throws: DataflowError.self) {
            try spawnCluster(
                makeFlow(source, running: running, totals: totals), processes: first.processes,
                workersPerProcess: first.workers, configuration: configuration(store))
        }
        #expect(totals.items.isEmpty, "no end-of-input flush happens on an abort")
        try spawnCluster(
            makeFlow(source, running: running, totals: totals), processes: second.processes,
            workersPerProcess: second.workers, configuration: configuration(store))
        #expect(totals.items.sorted() == expectedTotals)
        var highest: [String: Int] = [:]
        for line in running.items {
            let parts = line.split(separator: "=")
            highest[String(parts[0])] = max(highest[String(parts[0])] ?? 0, Int(parts[1])!)
        }
        #expect(highest.map { "\($0.key)=\($0.value)" }.sorted() == expectedTotals)
    }

    @Test func aCommittingSinkPublishesOnceAcrossProcessesAndACrash() throws {
        let ledger = Ledger()
        let store = InMemoryRecoveryStore()
        var crashing = LedgerSink(ledger: ledger, store: store)
        crashing.crash = .afterPublish(commit: 2)
        func flow(_ sink: LedgerSink) -> Dataflow {
            let flow = Dataflow("cluster_committing")
            flow.input("words", TestingSource(Self.words)).keyOn("key") { $0 }
                .statefulMap("running") { (count: Int?, _: String) -> (Int?, Int) in
                    let next = (count ?? 0) + 1
                    return (next, next)
                }
                .map("fmt") { (pair: (key: String, value: Int)) -> String in "\(pair.key)=\(pair.value)" }
                .output("out", sink)
            return flow
        }
        #expect(throws: (any Error).self) {
            try spawnCluster(flow(crashing), processes: 2, workersPerProcess: 1, configuration: configuration(store))
        }
        try spawnCluster(
            flow(LedgerSink(ledger: ledger, store: store)), processes: 2, workersPerProcess: 2,
            configuration: configuration(store))
        var counts: [String: Int] = [:]
        let expected = Self.words.map { word in
            counts[word, default: 0] += 1
            return "\(word)=\(counts[word]!)"
        }.sorted()
        #expect(ledger.published.sorted() == expected, "every count published exactly once")
        #expect(ledger.state.withLock { $0.early }.isEmpty, "no commit before every process's snapshot was durable")
    }

    @Test func membersThatSeeDifferentRecoveryStoresRefuseToStart() throws {
        let resumed = InMemoryRecoveryStore()
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        // A complete run leaves `resumed` with a committed epoch; `fresh` has none.
        try run(makeFlow(TestingSource(Self.words), running: running, totals: totals), configuration: configuration(resumed))
        let fresh = InMemoryRecoveryStore()
        let flows = [resumed, fresh].map { _ in makeFlow(TestingSource(Self.words), running: running, totals: totals) }
        let results = try runClusterMembers(flows, configurations: [configuration(resumed), configuration(fresh)])
        let messages = results.compactMap(\.failure).map { "\($0)" }
        #expect(messages.count == 2, "both members refuse: \(messages)")
        for message in messages { #expect(message.contains("disagree on where to resume"), "\(message)") }
    }

    /// Runs one member per store (member `i` uses `stores[i]`) and returns their errors.
    private func runMembers(stores: [any RecoveryStore], running: TestingSink<String>, totals: TestingSink<String>) throws -> [String] {
        let source = TestingSource(partitions: [Array(Self.words[..<300]), Array(Self.words[300...])])
        let configurations = stores.map { store in
            var settings = RunConfiguration()
            settings.epochInterval = .milliseconds(5)
            settings.recoveryStore = store
            return settings
        }
        let flows = stores.map { _ in makeFlow(source, running: running, totals: totals) }
        return try runClusterMembers(flows, configurations: configurations).compactMap(\.failure).map { "\($0)" }
    }

    @Test func membersWithOneSharedSQLiteDirectoryRunAndThoseWithTheirOwnAreRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-shared-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // One directory, opened by each member (as separate processes would).
        let shared = "\(root)/shared"
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        let sharedStores: [any RecoveryStore] = try (0..<2).map { _ in
            try SQLiteRecoveryStore(directory: shared, flowID: "cluster_recovery")
        }
        #expect(try runMembers(stores: sharedStores, running: running, totals: totals) == [])
        #expect(totals.items.sorted() == expectedTotals)

        // A directory per member: each sees a fresh store, so nothing would
        // resume; the members refuse instead of silently starting over.
        let ownStores: [any RecoveryStore] = try (0..<2).map { index in
            try SQLiteRecoveryStore(directory: "\(root)/own-\(index)", flowID: "cluster_recovery")
        }
        let errors = try runMembers(stores: ownStores, running: TestingSink<String>(), totals: TestingSink<String>())
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.contains("does not see the recovery store of process 0") }, "\(errors)")
    }
}
