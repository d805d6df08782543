import Foundation
internal import CRdKafka

/// A plain transactional Kafka producer, for tests and tools that need
/// transactions outside a dataflow: each call produces its messages in one
/// transaction and commits or aborts it. A topic written this way holds
/// commit and abort markers, as an exactly-once job's output does.
///
/// ```swift
/// let producer = try TransactionalProducer(brokers: kafka.bootstrapServers, transactionalID: "test")
/// try producer.commit([KafkaSinkMessage(topic: "t", key: "k", value: "kept")])
/// try producer.abort([KafkaSinkMessage(topic: "t", key: "k", value: "rolled back")])
/// ```
package final class TransactionalProducer {
    private let producer: KafkaSinkPartition
    private let id: String
    private let timeout: Duration

    /// Registers `transactionalID` with the brokers (fencing earlier producers with it).
    /// - Parameters:
    ///   - brokers: Bootstrap brokers, comma-separated.
    ///   - transactionalID: The transactional id.
    ///   - timeout: Limit of each transactional call and flush.
    package init(brokers: String, transactionalID: String, timeout: Duration = .seconds(20)) throws {
        var settings = KafkaSink(brokers: [brokers]).settings
        settings["transactional.id"] = transactionalID
        producer = try KafkaSinkPartition(settings: settings, defaultTopic: nil, flushTimeout: timeout)
        id = transactionalID
        self.timeout = timeout
        try call("initialize transactions") {
            rd_kafka_init_transactions(producer.client.handle, RDKafkaClient.milliseconds(timeout))
        }
    }

    /// Produces `messages` (each naming its topic) in one committed transaction.
    package func commit(_ messages: [KafkaSinkMessage]) throws {
        try transaction(messages) { rd_kafka_commit_transaction($0, RDKafkaClient.milliseconds(timeout)) }
    }

    /// Produces `messages` in one transaction, written to the log, then aborted.
    package func abort(_ messages: [KafkaSinkMessage]) throws {
        try transaction(messages) { rd_kafka_abort_transaction($0, RDKafkaClient.milliseconds(timeout)) }
    }

    private func transaction(_ messages: [KafkaSinkMessage], end: (OpaquePointer) -> OpaquePointer?) throws {
        try call("begin") { rd_kafka_begin_transaction(producer.client.handle) }
        for message in messages { try producer.produce(message) }
        // Delivered before the end, so an aborted transaction's messages are in the log.
        try producer.flush()
        try call("end") { end(producer.client.handle) }
    }

    private func call(_ operation: String, _ body: () -> OpaquePointer?) throws {
        guard let error = body() else { return }
        defer { rd_kafka_error_destroy(error) }
        throw KafkaError.transactionFailed(
            transactionalID: id, epoch: nil, reason: "\(operation): \(String(cString: rd_kafka_error_string(error)))")
    }
}
