import Foundation
import Sluice
import SluiceKafka
import SluiceKafkaTesting
import SluiceTesting
import SluiceTestSupport
import Testing

/// The README's Kafka block, verbatim but for the brokers (an embedded
/// broker here) and `cliMain` (replaced by `run` so the test can check it).
@Suite struct ReadmeKafkaTests {
    @Test func wordCountBlockCountsEveryWord() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("lines", partitions: 2)
        try kafka.createTopic("counts", partitions: 2)
        let lines = ["a b a", "c a", "b"]
        let produce = Dataflow("produce")
        produce.input("lines", TestingSource(lines))
            .map("encode") { KafkaSinkMessage(key: nil, value: $0) }
            .output("out", KafkaSink(brokers: [kafka.bootstrapServers], topic: "lines"))
        try runMain(produce)

        let brokers = [kafka.bootstrapServers]
        let flow = Dataflow("word_count")
        flow.input("lines", KafkaSource(brokers: brokers, topics: ["lines"], batchSize: 1000, tail: false))
            .map("text") { String(decoding: $0.value, as: UTF8.self) }
            .flatMap("words") { $0.split(separator: " ").map(String.init) }
            .keyOn("by_word") { $0 }
            .statefulMap("count") { (count: Int?, _: String) in
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .map("encode") { KafkaSinkMessage(key: $0.key, value: String($0.value)) }
            .output("out", KafkaSink(brokers: brokers, topic: "counts"))
        try run(flow, workers: 2)

        let read = Dataflow("read")
        let out = TestingSink<String>()
        read.input("counts", KafkaSource(brokers: brokers, topics: ["counts"], tail: false))
            .map("pair") { "\(String(decoding: $0.key ?? [], as: UTF8.self))=\(String(decoding: $0.value, as: UTF8.self))" }
            .output("out", out)
        try runMain(read)
        #expect(out.items.sorted() == ["a=1", "a=2", "a=3", "b=1", "b=2", "c=1"])
        #expect(try kafka.droppedData().isEmpty)
    }

    struct Order: Codable, Sendable { let customer: String; let amount: Int; let time: Date }

    /// The README's dead-letter block, verbatim but for the brokers and
    /// `StdOutSink` (a `TestingSink` here, to check it).
    @Test func deadLetterBlockRoutesAndReplays() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("orders", partitions: 1)
        try kafka.createTopic("orders-dead", partitions: 1)
        let brokers = [kafka.bootstrapServers]
        try KafkaTestTopics(brokers: brokers).produce(
            [
                KafkaSinkMessage(key: "c-1", value: #"{"customer":"c-1","amount":3,"time":"2024-06-18T10:00:00Z"}"#),
                KafkaSinkMessage(key: "c-2", value: #"{"customer":"c-2","amount":5,"time":"2024-06-18T10:00:01"}"#),
            ], to: "orders")
        let out = TestingSink<String>()

        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let flow = Dataflow("orders")
        let orders = flow.input("in", KafkaSource(brokers: brokers, topics: ["orders"], tail: false))
            .deserialize("decode", key: .utf8, value: .json(Order.self, decoder: decoder), onError: .route)
        orders.decoded.map("amount") { "\($0.value.customer)=\($0.value.amount)" }.output("out", out)
        orders.errors.map("dead_letter") { $0.sinkMessage(topic: "orders-dead") }.output("dead", KafkaSink(brokers: brokers))
        try run(flow, workers: 1)

        // Later: fix the dead letters and replay them into "orders".
        let topics = KafkaTestTopics(brokers: brokers)
        let replays = try topics.readAll("orders-dead").compactMap { letter -> KafkaSinkMessage? in
            guard let origin = letter.deadLetterOrigin else { return nil }
            let fixed = String(decoding: letter.value, as: UTF8.self).replacingOccurrences(of: "\"}", with: "Z\"}")
            return origin.replay(letter, value: Array(fixed.utf8))
        }
        try topics.produce(replays, to: "orders")

        #expect(out.items == ["c-1=3"])
        let input = try topics.readAll("orders")
        #expect(input.count == 3)
        #expect(String(decoding: input[2].value, as: UTF8.self).hasSuffix(#"01Z"}"#))
        #expect(input[2].key == Array("c-2".utf8) && input[2].headers.isEmpty)
    }

    /// The README's SluiceKafkaTesting block.
    @Test func kafkaTestingBlock() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("in", partitions: 2)
        let topics = KafkaTestTopics(brokers: [kafka.bootstrapServers])
        try topics.produce([KafkaSinkMessage(key: "a", value: "1")], to: "in")
        try topics.waitUntil("in", holds: 1)
        #expect(try topics.readAll("in").map { String(decoding: $0.value, as: UTF8.self) } == ["1"])
    }
}
