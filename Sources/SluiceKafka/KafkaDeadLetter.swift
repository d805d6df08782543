import Foundation

/// A message Sluice could not use (it did not deserialize, or Kafka reported
/// an error while consuming it), routed instead of stopping the run: the
/// error together with the original message, so it can go to a dead-letter
/// topic unchanged and be replayed once fixed.
///
/// ```swift
/// let out = messages.deserialize("decode", key: .utf8, value: .json(Order.self), onError: .route)
/// out.errors.map("dead_letters") { $0.sinkMessage(topic: "orders-dead") }.output("dlq", KafkaSink(brokers: brokers))
/// ```
public struct KafkaDeadLetter: Error, CustomStringConvertible, Sendable {
    /// The header names of a dead-letter message (see `sinkMessage(topic:partition:)`).
    public enum Header {
        /// The error text.
        public static let error = "sluice.error"
        /// The topic the original message was read from.
        public static let originTopic = "sluice.origin.topic"
        /// Its partition, in decimal.
        public static let originPartition = "sluice.origin.partition"
        /// Its offset, in decimal (absent for a consume error without one).
        public static let originOffset = "sluice.origin.offset"
        /// Its timestamp in milliseconds since 1970, in decimal (absent without one).
        public static let originTimestamp = "sluice.origin.timestamp"
        /// Every header Sluice adds, in the order it adds them.
        public static let all = [error, originTopic, originPartition, originOffset, originTimestamp]
    }

    /// What went wrong (it names topic, partition and offset).
    public let error: KafkaError
    /// The topic the message was read from.
    public let topic: String
    /// Its partition.
    public let partition: Int32
    /// Its offset, nil for a consume error that gave none.
    public let offset: Int64?
    /// The original message (key, value, headers, timestamp); nil for a
    /// consume error, which has no message.
    public let message: KafkaMessage?

    /// A message that could not be used, with the error.
    /// - Parameters:
    ///   - error: What went wrong.
    ///   - message: The original message.
    public init(error: KafkaError, message: KafkaMessage) {
        self.error = error
        self.topic = message.topic
        self.partition = message.partition
        self.offset = message.offset
        self.message = message
    }

    /// An error Kafka reported while consuming, without a message.
    /// - Parameters:
    ///   - error: What went wrong.
    ///   - topic: The topic being read.
    ///   - partition: The partition being read.
    ///   - offset: The offset concerned, if known.
    public init(error: KafkaError, topic: String, partition: Int32, offset: Int64?) {
        self.error = error
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.message = nil
    }

    /// A routed consume error, placed where the error says.
    init(consumeError error: KafkaError) {
        switch error {
        case let .consumeFailed(topic, partition, offset, _):
            self.init(error: error, topic: topic, partition: partition, offset: offset)
        case let .deserializationFailed(topic, partition, offset, _):
            self.init(error: error, topic: topic, partition: partition, offset: offset)
        default:
            self.init(error: error, topic: "?", partition: -1, offset: nil)
        }
    }

    public var description: String { error.description }

    /// The message for a dead-letter topic: the original key, value and
    /// headers unchanged, plus the error and the origin in `Header` headers
    /// (any `sluice.*` headers the original carried, from an earlier trip
    /// through a dead-letter topic, are replaced). The producer sets the new
    /// message's timestamp; the original one is in `sluice.origin.timestamp`.
    ///
    /// ```swift
    /// out.errors.map("dlq") { $0.sinkMessage(topic: "orders-dead") }
    /// ```
    /// - Parameters:
    ///   - topic: The dead-letter topic; nil for the sink's default topic.
    ///   - partition: The partition; nil lets the producer pick by key.
    /// - Returns: The message to produce.
    public func sinkMessage(topic: String? = nil, partition: Int32? = nil) -> KafkaSinkMessage {
        var headers = (message?.headers ?? []).filter { !Header.all.contains($0.key) }
        func add(_ name: String, _ text: String) { headers.append(KafkaHeader(key: name, value: Array(text.utf8))) }
        add(Header.error, error.description)
        add(Header.originTopic, self.topic)
        add(Header.originPartition, String(self.partition))
        if let offset { add(Header.originOffset, String(offset)) }
        if let time = message?.timestamp {
            add(Header.originTimestamp, String(Int64((time.timeIntervalSince1970 * 1000).rounded())))
        }
        return KafkaSinkMessage(
            topic: topic, key: message?.key, value: message?.value ?? [], headers: headers, partition: partition)
    }
}
