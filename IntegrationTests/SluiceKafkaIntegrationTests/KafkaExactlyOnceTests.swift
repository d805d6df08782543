import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// Exactly-once output with `KafkaSink(exactlyOnce: true)`: messages are
/// committed in Kafka transactions after their snapshot is durable in a real
/// SQLite recovery store, and a run that dies at any point of a commit, once
/// resumed, leaves every running count in the output exactly once.
///
/// librdkafka's embedded broker does not hide aborted transactions from
/// `read_committed` consumers, so there the tests check the commit path and the
/// resume decisions; the filtering itself is checked on Redpanda
/// (`KAFKA_BOOTSTRAP_SERVERS`), see the last test.
@Suite struct KafkaExactlyOnceTests {
    static let words = (0..<1200).map { "w\(($0 * 7) % 23)" }

    /// Every running count `word=n` once.
    static var expected: [String: Int] {
        var counts: [String: Int] = [:]
        return multiset(words.map { word in
            counts[word, default: 0] += 1
            return "\(word)=\(counts[word]!)"
        })
    }

    /// A broker with the input topic filled, and unique output and marker topics.
    struct Setup {
        let broker: TestBroker
        let input: String
        let output: String
        let markers: String
        let recovery: String

        init() throws {
            broker = try TestBroker()
            input = try broker.topic("eos-in", partitions: 4)
            output = try broker.topic("eos-out", partitions: 3)
            markers = "eos-markers-\(UUID().uuidString.prefix(8).lowercased())"
            recovery = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-eos-\(UUID().uuidString)").path
            try produce(
                KafkaExactlyOnceTests.words.enumerated().map { KafkaSinkMessage(key: "k\($0.offset)", value: $0.element) },
                to: input, on: broker)
        }

        func sink(faults: KafkaTransactionFaults? = nil) -> KafkaSink {
            var sink = KafkaSink(brokers: broker.brokers, topic: output, exactlyOnce: true, transactionMarkerTopic: markers)
            sink.faults = faults
            return sink
        }

        func flow(_ sink: KafkaSink) -> Dataflow {
            let flow = Dataflow("eos")
            flow.input("in", KafkaSource(brokers: broker.brokers, topics: [input], batchSize: 40, tail: false))
                .map("text") { $0.text }
                .keyOn("word") { $0 }
                .statefulMap("count") { (count: Int?, _: String) in ((count ?? 0) + 1, (count ?? 0) + 1) }
                .map("encode") { KafkaSinkMessage(key: $0.key, value: String($0.value)) }
                .output("out", sink)
            return flow
        }

        func configuration(workers: Int) throws -> RunConfiguration {
            var configuration = RunConfiguration(workers: workers)
            configuration.epochInterval = .milliseconds(5)
            configuration.recoveryStore = try SQLiteRecoveryStore(directory: recovery, flowID: "eos")
            return configuration
        }

        /// The output as a read_committed consumer sees it: `word=count` lines.
        func committedOutput() throws -> [String] {
            let flow = Dataflow("read")
            let sink = TestingSink<KafkaMessage>()
            flow.input("kafka", KafkaSource(
                brokers: broker.brokers, topics: [output], tail: false, config: ["isolation.level": "read_committed"]))
                .output("out", sink)
            try runToEnd(flow, workers: 1)
            return sink.items.map { "\($0.keyText ?? "?")=\($0.text)" }
        }

        func cleanUp() { try? FileManager.default.removeItem(atPath: recovery) }
    }

    @Test(arguments: [1, 2])
    func anUninterruptedRunCommitsEveryOutputOnce(workers: Int) throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        let running = start(setup.flow(setup.sink()), configuration: try setup.configuration(workers: workers))
        try awaitEnd(running)
        #expect(multiset(try setup.committedOutput()) == Self.expected)
        try setup.broker.assertNoDroppedData()
    }

    @Test(arguments: [
        (KafkaTransactionFaults.Point.beforeBegin, 1, 2), (.beforeBegin, 2, 1),
        (.beforeCommit, 1, 1), (.beforeCommit, 2, 2),
        (.afterCommit, 1, 2), (.afterCommit, 2, 2),
    ])
    /// The first commit of the run dies (every run commits at least once: at
    /// the latest at the end of input), so the crash is certain to happen.
    func aRunThatDiesDuringACommitResumesWithEveryOutputOnce(
        point: KafkaTransactionFaults.Point, first: Int, second: Int
    ) throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        let (error, _) = try ErrorPath.expectFailure(
            setup.flow(setup.sink(faults: KafkaTransactionFaults(point: point, commit: 1))),
            configuration: try setup.configuration(workers: first))
        #expect("\(error)".contains("simulated crash"), "\(error)")

        let resumed = start(setup.flow(setup.sink()), configuration: try setup.configuration(workers: second))
        try awaitEnd(resumed)
        let got = multiset(try setup.committedOutput())
        if point == .beforeCommit && !setup.broker.isExternal {
            // The dead transaction's messages stay visible on the embedded broker
            // (no read_committed filter): check that nothing is lost; the exact
            // outcome is checked on a real broker (the last test).
            #expect(Set(got.keys) == Set(Self.expected.keys), "\(point), \(first) → \(second) workers")
        } else {
            #expect(got == Self.expected, "\(point), \(first) → \(second) workers")
        }
        try setup.broker.assertNoDroppedData()
    }

    @Test func anExactlyOnceSinkWithoutARecoveryDirectoryIsRefusedNamingTheStep() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        let (error, _) = try ErrorPath.expectFailure(setup.flow(setup.sink()), workers: 1)
        #expect("\(error)".contains("eos.out"))
        #expect("\(error)".contains("recovery directory"))
    }

    @Test(.enabled(
        if: ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"].map { !$0.isEmpty } ?? false,
        "needs a real broker (KAFKA_BOOTSTRAP_SERVERS, e.g. Redpanda): the embedded broker does not filter aborted transactions"))
    func readCommittedConsumersNeverSeeAnAbortedTransaction() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        _ = try ErrorPath.expectFailure(
            setup.flow(setup.sink(faults: KafkaTransactionFaults(point: .beforeCommit, commit: 1))),
            configuration: try setup.configuration(workers: 1))
        let resumed = start(setup.flow(setup.sink()), configuration: try setup.configuration(workers: 1))
        try awaitEnd(resumed)
        #expect(multiset(try setup.committedOutput()) == Self.expected)
        // The aborted transaction's messages are in the log, hidden from read_committed.
        #expect(try readAll(setup.output, on: setup.broker).count > Self.words.count)
    }
}
