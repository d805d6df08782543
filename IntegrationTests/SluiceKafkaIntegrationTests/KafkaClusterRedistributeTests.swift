import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Testing

/// A single-partition topic spread over a cluster: `redistribute` sends
/// Kafka messages to workers of the other process (they are `Codable`), and
/// every message arrives exactly once.
@Suite struct KafkaClusterRedistributeTests {
    @Test func aSinglePartitionTopicIsSpreadOverTwoProcessesExactlyOnce() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("spread-one", partitions: 1)
        try produceText("m", 0..<2_000, to: topic, on: broker)

        let flow = Dataflow("spread")
        let sink = TestingSink<String>()
        flow.input("kafka", KafkaSource(brokers: broker.brokers, topics: [topic], tail: false))
            .redistribute("spread")
            .map("text") { $0.text }
            .output("out", sink)
        try spawnCluster(flow, processes: 2, workersPerProcess: 1)

        #expect(sink.items.count == 2_000)
        #expect(Set(sink.items) == Set((0..<2_000).map { "m\($0)" }))
    }
}
