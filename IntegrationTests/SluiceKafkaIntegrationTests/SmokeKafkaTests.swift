import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Testing

@Suite struct SmokeKafkaTests {
    @Test func roundTripThroughEmbeddedBroker() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("in", partitions: 4)
        let produce = Dataflow("produce")
        produce.input("items", TestingSource((0..<1000).map { "line \($0)" }, batchSize: 100))
            .map("encode") { KafkaSinkMessage(key: $0, value: $0) }
            .output("kafka", KafkaSink(brokers: broker.brokers, topic: topic))
        try run(produce, workers: 2)

        for workers in [1, 2, 3] {
            let read = Dataflow("read")
            let sink = TestingSink<String>()
            read.input("kafka", KafkaSource(brokers: broker.brokers, topics: [topic], tail: false))
                .map("text") { String(decoding: $0.value, as: UTF8.self) }
                .output("out", sink)
            try run(read, workers: workers)
            #expect(sink.items.count == 1000)
            #expect(Set(sink.items) == Set((0..<1000).map { "line \($0)" }))
        }
        try broker.assertNoDroppedData()
    }
}
