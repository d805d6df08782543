import Foundation
import Sluice
import SluiceKafka
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

    @Test(arguments: [1, 2, 3])
    func lastCountOfEveryWordIsItsTotal(workers: Int) throws {
        let kafka = try EmbeddedKafka()
        let brokers = [kafka.bootstrapServers]
        try kafka.createTopic("lines", partitions: 3)
        try kafka.createTopic("counts", partitions: 2)
        let produce = Dataflow("produce")
        produce.input("text", TestingSource(Self.text, batchSize: 25))
            .map("encode") { KafkaSinkMessage(key: nil, value: $0) }
            .output("lines", KafkaSink(brokers: brokers, topic: "lines"))
        try run(produce, workers: 1)

        try run(
            makeKafkaWordCountFlow(brokers: brokers, inputTopic: "lines", outputTopic: "counts", tail: false),
            workers: workers)

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
}
