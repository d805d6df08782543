import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Kafka metrics on the embedded broker: the partition gauges (position,
/// high watermark, lag) and the producer's counters. Topics and step ids
/// are unique per test, since one metrics backend serves the test process.
@Suite struct KafkaMetricsTests {
    private let metrics = SharedTestMetrics.shared

    private func produce(_ count: Int, to topic: String, partitions: Int, brokers: [String]) throws {
        let flow = Dataflow("metrics_produce_\(topic.replacingOccurrences(of: "-", with: "_"))")
        let messages = (0..<count).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)", partition: Int32($0 % partitions)) }
        flow.input("messages", TestingSource(messages, batchSize: 100))
            .output("kafka", KafkaSink(brokers: brokers, topic: topic))
        try expectRunSucceeds(flow, workers: 1)
        let produced = metrics.test.counterTotal(
            label: "sluice_kafka_messages_produced_total", dimensions: [("step", "\(flow.id).kafka")])
        #expect(produced == Int64(count), "messages produced by \(flow.id)")
    }

    private func gauge(_ label: String, topic: String, partition: Int) throws -> Double? {
        try metrics.test.expectGauge(label, [("topic", topic), ("partition", String(partition))]).lastValue
    }

    @Test(arguments: [1, 2])
    func lagFallsToZeroAtTheEndOfAFiniteRun(workers: Int) throws {
        let kafka = try EmbeddedKafka()
        let topic = "metrics-end-\(workers)-\(UUID().uuidString.prefix(8))"
        try kafka.createTopic(topic, partitions: 3)
        try produce(300, to: topic, partitions: 3, brokers: [kafka.bootstrapServers])

        let flow = Dataflow("metrics_lag_end_\(workers)")
        let sink = TestingSink<KafkaMessage>()
        flow.input("in", KafkaSource(brokers: [kafka.bootstrapServers], topics: [topic], batchSize: 20, tail: false))
            .output("out", sink)
        try expectRunSucceeds(flow, workers: workers)

        #expect(sink.items.count == 300)
        for partition in 0..<3 {
            #expect(try gauge("sluice_kafka_partition_lag", topic: topic, partition: partition) == 0)
            #expect(try gauge("sluice_kafka_partition_position", topic: topic, partition: partition) == 100)
            #expect(try gauge("sluice_kafka_partition_high_watermark", topic: topic, partition: partition) == 100)
        }
        #expect(
            metrics.test.counterTotal(label: "sluice_step_items_out_total", dimensions: [("step", "\(flow.id).in")]) == 300)
    }

    @Test func midRunTheLagIsTheHighWatermarkMinusThePosition() throws {
        let kafka = try EmbeddedKafka()
        let topic = "metrics-mid-\(UUID().uuidString.prefix(8))"
        try kafka.createTopic(topic, partitions: 1)
        try produce(500, to: topic, partitions: 1, brokers: [kafka.bootstrapServers])

        // A step downstream of the source runs on the same worker right after
        // each batch: the gauges then describe exactly the batch it holds.
        let seen = Mutex<[(position: Double?, high: Double?, lag: Double?, next: Int64)]>([])
        let flow = Dataflow("metrics_lag_mid")
        flow.input("in", KafkaSource(brokers: [kafka.bootstrapServers], topics: [topic], batchSize: 25, tail: false))
            .flatMapBatch("look") { (batch: [KafkaMessage]) -> [KafkaMessage] in
                let reading = (
                    position: try? gauge("sluice_kafka_partition_position", topic: topic, partition: 0),
                    high: try? gauge("sluice_kafka_partition_high_watermark", topic: topic, partition: 0),
                    lag: try? gauge("sluice_kafka_partition_lag", topic: topic, partition: 0),
                    next: batch.last!.offset + 1)
                seen.withLock { $0.append((reading.position ?? nil, reading.high ?? nil, reading.lag ?? nil, reading.next)) }
                return batch
            }
            .output("out", TestingSink<KafkaMessage>())
        try expectRunSucceeds(flow, workers: 1)

        let readings = seen.withLock { $0 }
        #expect(readings.count >= 20, "batches of at most 25 of 500 messages")
        for reading in readings {
            #expect(reading.position == Double(reading.next))
            #expect(reading.high == 500)
            #expect(reading.lag == 500 - Double(reading.next))
        }
        #expect(readings.contains { ($0.lag ?? 0) > 0 }, "some batches saw messages still to read")
    }

    @Test func failedDeliveriesAreCounted() throws {
        let kafka = try EmbeddedKafka()
        let topic = "metrics-rejected-\(UUID().uuidString.prefix(8))"
        try kafka.createTopic(topic, partitions: 2)
        // Every produce request fails (retriable), so each message times out
        // and its delivery report fails.
        kafka.failNextRequests(apiKey: 0, count: 10_000)
        let flow = Dataflow("metrics_delivery")
        let messages = (0..<10).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)", partition: Int32($0 % 2)) }
        flow.input("in", TestingSource(messages, batchSize: 10))
            .output(
                "out",
                KafkaSink(
                    brokers: [kafka.bootstrapServers], topic: topic, config: ["message.timeout.ms": "2000"],
                    flushTimeout: .seconds(20)))
        let error = try expectRunFails(flow, workers: 1)
        #expect("\(error)".contains(topic), "\(error)")
        let failures = metrics.test.counterTotal(
            label: "sluice_kafka_delivery_errors_total", dimensions: [("step", "metrics_delivery.out")])
        #expect((1...10).contains(failures), "\(failures) delivery errors counted")
    }
}
