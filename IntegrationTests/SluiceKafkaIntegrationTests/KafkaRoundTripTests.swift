import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Kafka in, a transformation, Kafka out: with 1, 2 and 3 workers every input
/// message reaches the output topic exactly once.
@Suite struct KafkaRoundTripTests {
    static let partitions = 8
    static let count = 4000

    @Test func everyMessageReachesTheOutputTopicExactlyOnceOnEveryWorkerCount() throws {
        let broker = try TestBroker()
        let input = try broker.topic("round-trip-in", partitions: Self.partitions)
        try produceText("m", 0..<Self.count, to: input, on: broker)

        // The keys spread the input over every partition, so every worker of
        // every run below owns (and reads) some of it.
        let read = try readAll(input, on: broker)
        #expect(read.count == Self.count)
        #expect(Set(read.map(\.partition)) == Set(0..<Int32(Self.partitions)))

        let expected = multiset((0..<Self.count).map { "m\($0)".uppercased() })
        for workers in [1, 2, 3] {
            let output = try broker.topic("round-trip-out-w\(workers)", partitions: 3)
            let flow = Dataflow("round_trip")
            flow.input("in", KafkaSource(brokers: broker.brokers, topics: [input], batchSize: 100, tail: false))
                .map("upper") { KafkaSinkMessage(key: $0.key, value: Array($0.text.uppercased().utf8)) }
                .output("out", KafkaSink(brokers: broker.brokers, topic: output))
            try runToEnd(flow, workers: workers)

            let written = try readAll(output, on: broker, workers: 2)
            #expect(written.count == Self.count, "\(workers) workers")
            #expect(duplicates(written.map(\.text)).isEmpty, "\(workers) workers")
            #expect(multiset(written.map(\.text)) == expected, "\(workers) workers")
            // The key travels with its value.
            #expect(written.allSatisfy { $0.keyText?.uppercased() == $0.text }, "\(workers) workers")
        }
        try broker.assertNoDroppedData()
    }
}
