internal import CRdKafka

/// Why a Kafka source, sink or embedded broker failed. Each case names the
/// topic, partition, offset, configuration key or brokers involved.
///
/// ```swift
/// catch let error as KafkaError { print(error) }   // topic 'orders' does not exist on localhost:19092
/// ```
public enum KafkaError: Error, CustomStringConvertible, Sendable {
    /// A librdkafka configuration key is unknown or its value invalid.
    case invalidConfiguration(key: String, value: String, reason: String)
    /// No broker answered within the timeout.
    case brokersUnreachable(brokers: String, reason: String)
    /// A broker accepted the TCP connection, but the Kafka protocol failed
    /// (its answer could not be parsed, it closed the connection during
    /// version negotiation, TLS or SASL failed): not an unreachable broker.
    case protocolFailed(broker: String, step: String, reason: String, librdkafkaVersion: String)
    /// The topic does not exist.
    case topicNotFound(topic: String, brokers: String)
    /// A metadata, offset or watermark request failed.
    case requestFailed(operation: String, topic: String?, partition: Int32?, reason: String)
    /// Consuming a partition failed.
    case consumeFailed(topic: String, partition: Int32, offset: Int64?, reason: String)
    /// A message could not be queued for producing.
    case produceFailed(topic: String, partition: Int32?, reason: String)
    /// A produced message was not delivered.
    case deliveryFailed(topic: String, partition: Int32, reason: String)
    /// A message's key or value could not be deserialized.
    case deserializationFailed(topic: String, partition: Int32, offset: Int64, reason: String)
    /// The embedded broker could not be started or changed.
    case embeddedBroker(reason: String)
    /// An exactly-once sink's Kafka transaction (or its recovery) failed.
    case transactionFailed(transactionalID: String, epoch: UInt64?, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(key, value, reason):
            // An empty key: librdkafka refused the settings together (its reason names them).
            if key.isEmpty { return "invalid Kafka configuration: \(reason)" }
            return "invalid Kafka configuration '\(key)' = '\(value)': \(reason)"
        case let .brokersUnreachable(brokers, reason):
            return "cannot reach Kafka brokers \(brokers): \(reason)"
        case let .protocolFailed(broker, step, reason, version):
            return "Kafka broker \(broker) accepted the connection but the Kafka protocol failed during \(step): "
                + "\(reason) (librdkafka \(version); is it a Kafka listener with this security.protocol, "
                + "and does this librdkafka support its version?)"
        case let .topicNotFound(topic, brokers):
            return "Kafka topic '\(topic)' does not exist on \(brokers)"
        case let .requestFailed(operation, topic, partition, reason):
            var place = topic.map { " for topic '\($0)'" } ?? ""
            if let partition { place += " partition \(partition)" }
            return "Kafka \(operation)\(place) failed: \(reason)"
        case let .consumeFailed(topic, partition, offset, reason):
            let at = offset.map { " at offset \($0)" } ?? ""
            return "consuming Kafka topic '\(topic)' partition \(partition)\(at) failed: \(reason)"
        case let .produceFailed(topic, partition, reason):
            let part = partition.map { " partition \($0)" } ?? ""
            return "producing to Kafka topic '\(topic)'\(part) failed: \(reason)"
        case let .deliveryFailed(topic, partition, reason):
            // A negative partition: the producer had not assigned one yet (RD_KAFKA_PARTITION_UA).
            let part = partition >= 0 ? " partition \(partition)" : ""
            return "delivery to Kafka topic '\(topic)'\(part) failed: \(reason)"
        case let .deserializationFailed(topic, partition, offset, reason):
            return "cannot deserialize message at Kafka topic '\(topic)' partition \(partition) offset \(offset): \(reason)"
        case let .embeddedBroker(reason):
            return "embedded Kafka broker: \(reason)"
        case let .transactionFailed(id, epoch, reason):
            let of = epoch.map { " of epoch \($0)" } ?? ""
            return "Kafka transaction '\(id)'\(of) failed: \(reason)"
        }
    }
}

/// librdkafka's text for an error code.
func errorText(_ code: rd_kafka_resp_err_t) -> String {
    String(cString: rd_kafka_err2str(code))
}

/// The text in a NUL-terminated C buffer.
func text(of buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
