import Foundation
import SluiceCore

/// Produces messages outside a dataflow, for tools and tests (`sluice
/// produce`, `SluiceKafkaTesting`): checks the topic exists first (a missing
/// topic is an error within `requestTimeout`, not a delivery timeout), then
/// produces and waits for every delivery.
///
/// ```swift
/// try KafkaTopicWriter(brokers: brokers).produce([KafkaSinkMessage(key: "k", value: "v")], to: "orders")
/// ```
package struct KafkaTopicWriter: Sendable {
    /// Bootstrap brokers.
    package let brokers: [String]
    /// Extra librdkafka producer settings.
    package let config: [String: String]
    /// How long metadata requests may take.
    package let requestTimeout: Duration
    /// How long deliveries may take.
    package let flushTimeout: Duration

    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - config: Extra librdkafka producer settings.
    ///   - requestTimeout: How long metadata requests may take.
    ///   - flushTimeout: How long deliveries may take.
    package init(
        brokers: [String], config: [String: String] = [:], requestTimeout: Duration = .seconds(5),
        flushTimeout: Duration = .seconds(30)
    ) {
        self.brokers = brokers
        self.config = config
        self.requestTimeout = requestTimeout
        self.flushTimeout = flushTimeout
    }

    /// Produces `messages` (a message naming no topic goes to `topic`).
    /// - Throws: `KafkaError.topicNotFound`, `.brokersUnreachable`, `.produceFailed`, `.deliveryFailed`.
    package func produce(_ messages: [KafkaSinkMessage], to topic: String) throws {
        for name in Set(messages.map { $0.topic ?? topic } + [topic]).sorted() {
            _ = try KafkaAdmin.partitions(of: name, brokers: brokers, timeout: requestTimeout)
        }
        let sink = KafkaSink(
            brokers: brokers, topic: topic, config: config, flushTimeout: flushTimeout, requestTimeout: requestTimeout)
        let partition = try sink.buildPartition(worker: WorkerIndex(0), workerCount: 1)
        for start in stride(from: 0, to: messages.count, by: 1000) {
            try partition.write(Array(messages[start..<min(messages.count, start + 1000)]))
        }
        try partition.close()
    }
}
