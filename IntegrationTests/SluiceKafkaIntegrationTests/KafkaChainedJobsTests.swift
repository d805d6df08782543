import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Two jobs chained through Kafka, as users chain them: the exactly-once
/// `kafka-word-count` binary writes running counts in transactions (so its
/// output topic holds commit markers), then a finite job reads that output
/// with `read_committed` and sums it up. The second job must end (a finite
/// read that stopped only after a delivered message hung on the trailing
/// marker: issue 15, item 1) and see every count exactly once. Runs on both
/// librdkafka lanes (`make test`, `make test-librdkafka-current`).
@Suite struct KafkaChainedJobsTests {
    @Test func aFiniteReadCommittedJobOverAnExactlyOnceWordCountEndsWithExactCounts() throws {
        let broker = try TestBroker()
        let input = try broker.topic("chain-lines", partitions: 3)
        let output = try broker.topic("chain-counts", partitions: 2)
        var text = GeneratedWordText()
        let lines = text.nextLines(600)
        try produce(
            lines.enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 3)) }, to: input, on: broker)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-chain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wordCount = try ChildProcess(
            try BuiltExecutable.url(named: "kafka-word-count"),
            [
                "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input, "--output-topic", output,
                "--exactly-once", "-r", directory, "--epoch-interval", "0.05", "-w", "2",
            ])
        let exit = try wordCount.waitForExit(timeout: .seconds(60))
        try #require(exit == ChildProcess.Exit(exited: true, status: 0), "kafka-word-count: \(exit); \(wordCount.stderr)")

        // The second job: per word, how many counts it wrote and the highest.
        let flow = Dataflow("chained")
        let seen = TestingSink<(key: String, value: [Int])>()
        flow.input("counts", KafkaSource(
            brokers: broker.brokers, topics: [output], tail: false, config: ["isolation.level": "read_committed"]))
            .map("pair") { (key: $0.keyText ?? "", value: [Int($0.text) ?? -1]) }
            .reduceFinal("all") { $0 + $1 }
            .output("out", seen)
        try runToEnd(flow, workers: 2)

        // Exactly once and complete: each word's counts are 1...total, each once.
        let counts = Dictionary(uniqueKeysWithValues: seen.items.map { ($0.key, $0.value.sorted()) })
        #expect(Set(counts.keys) == Set(text.counts.keys))
        var wrong: [String] = []
        for (word, total) in text.counts where counts[word] != Array(1...total) {
            wrong.append("\(word): \(total) expected, got \(counts[word].map { "\($0.count) counts up to \($0.last ?? 0)" } ?? "none")")
        }
        #expect(wrong.isEmpty, "\(wrong.count) words wrong, e.g. \(wrong.prefix(5))")
        #expect(counts.values.map(\.count).reduce(0, +) == text.totalWords)
        try broker.assertNoDroppedData()
    }
}
