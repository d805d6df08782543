import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import Testing

@testable import KafkaWordCount

@Suite struct KafkaWordCountExampleTests {
    /// A few hundred lines with punctuation, apostrophes and mixed case.
    private static let text: [String] = (0..<300).map { index in
        let tail = ["river", "gate", "water", "flow"][index % 4]
        return "The \(tail)'s Sluice, the \(tail)! It's \(["open", "CLOSED", "open"][index % 3]) — \(index % 7 == 0 ? "Again" : "ok")."
    }

    @Test func splitsLowercasedWordsOfLettersAndApostrophes() {
        #expect(words(in: "It's the END, the end—3 x") == ["it's", "the", "end", "the", "end", "x"])
        #expect(words(in: "  ...  ").isEmpty)
    }

    /// Also exactly once (`--exactly-once`): transactions after each snapshot
    /// into a real SQLite recovery directory give the same messages.
    @Test(arguments: [(1, false), (2, false), (3, false), (2, true)])
    func lastCountOfEveryWordIsItsTotal(workers: Int, exactlyOnce: Bool) throws {
        let kafka = try EmbeddedKafka()
        let brokers = [kafka.bootstrapServers]
        try kafka.createTopic("lines", partitions: 3)
        try kafka.createTopic("counts", partitions: 2)
        let produce = Dataflow("produce")
        produce.input("text", TestingSource(Self.text, batchSize: 25))
            .map("encode") { KafkaSinkMessage(key: nil, value: $0) }
            .output("lines", KafkaSink(brokers: brokers, topic: "lines"))
        try run(produce, workers: 1)

        let flow = makeKafkaWordCountFlow(
            brokers: brokers, inputTopic: "lines", outputTopic: "counts", tail: false, exactlyOnce: exactlyOnce)
        var configuration = RunConfiguration(workers: workers)
        let recovery = FileManager.default.temporaryDirectory.appendingPathComponent("kwc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: recovery) }
        if exactlyOnce {
            configuration.epochInterval = .milliseconds(20)
            configuration.recoveryStore = try SQLiteRecoveryStore(directory: recovery, flowID: flow.id)
        }
        try run(flow, configuration: configuration)

        let read = Dataflow("read")
        let sink = TestingSink<KafkaMessage>()
        read.input("counts", KafkaSource(brokers: brokers, topics: ["counts"], tail: false)).output("out", sink)
        try run(read, workers: 1)

        var expected: [String: Int] = [:]
        for line in Self.text { for word in words(in: line) { expected[word, default: 0] += 1 } }
        var seen: [String: [Int]] = [:]
        for message in sink.items {
            let word = try #require(message.key.map { String(decoding: $0, as: UTF8.self) })
            let count = try #require(Int(String(decoding: message.value, as: UTF8.self)), "value of '\(word)'")
            seen[word, default: []].append(count)
        }
        // One message per input word, and per word exactly the running counts 1...total.
        #expect(sink.items.count == expected.values.reduce(0, +))
        #expect(Set(seen.keys) == Set(expected.keys))
        for (word, total) in expected {
            #expect(seen[word]?.max() == total, "\(word)")
            #expect(seen[word]?.sorted() == Array(1...total), "\(word)")
        }
        // Each word's messages share a key, so they share a partition, in count order.
        for (word, counts) in seen where counts != counts.sorted() {
            Issue.record("counts of '\(word)' out of order: \(counts)")
        }
        #expect(try kafka.droppedData().isEmpty)
    }

    /// With `tail: true` the flow keeps counting lines produced after it
    /// started, until it is stopped.
    @Test func tailModeCountsLinesProducedWhileRunning() throws {
        let kafka = try EmbeddedKafka()
        let brokers = [kafka.bootstrapServers]
        try kafka.createTopic("lines", partitions: 2)
        try kafka.createTopic("counts", partitions: 1)
        func produce(_ lines: [String]) throws {
            let flow = Dataflow("produce")
            flow.input("text", TestingSource(lines))
                .map("encode") { KafkaSinkMessage(key: nil, value: $0) }
                .output("lines", KafkaSink(brokers: brokers, topic: "lines"))
            try run(flow, workers: 1)
        }
        func countMessages() throws -> Int64 {
            try KafkaAdmin.watermarks(of: "counts", brokers: brokers).values.reduce(0) { $0 + $1.high }
        }
        /// Waits (bounded) until the counts topic holds `expected` messages.
        func waitForCounts(_ expected: Int64) throws {
            var polls = 0
            while try countMessages() < expected, polls < 600 {
                Thread.sleep(forTimeInterval: 0.05)
                polls += 1
            }
            try #require(try countMessages() == expected)
        }

        var configuration = RunConfiguration(workers: 2)
        configuration.epochInterval = .milliseconds(50)
        let running = start(
            makeKafkaWordCountFlow(brokers: brokers, inputTopic: "lines", outputTopic: "counts", tail: true),
            configuration: configuration)
        defer { running.stop() }
        try produce(["a b a", "c"])
        try waitForCounts(4)
        try produce(["a c", "d"])
        try waitForCounts(7)
        #expect(!running.isFinished)
        running.stop()
        #expect(try running.wait(timeout: .seconds(30)))

        let read = Dataflow("read")
        let sink = TestingSink<KafkaMessage>()
        read.input("counts", KafkaSource(brokers: brokers, topics: ["counts"], tail: false)).output("out", sink)
        try run(read, workers: 1)
        let pairs = sink.items.map { "\(String(decoding: $0.key ?? [], as: UTF8.self))=\(String(decoding: $0.value, as: UTF8.self))" }
        #expect(pairs.sorted() == ["a=1", "a=2", "a=3", "b=1", "c=1", "c=2", "d=1"])
    }
}
