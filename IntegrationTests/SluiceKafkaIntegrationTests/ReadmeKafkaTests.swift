import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
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
}
