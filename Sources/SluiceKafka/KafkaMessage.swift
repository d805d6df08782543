import Foundation

/// One Kafka record header.
///
/// ```swift
/// let header = KafkaHeader(key: "trace-id", value: Array("abc".utf8))
/// ```
public struct KafkaHeader: Sendable, Hashable, Codable {
    /// The header name.
    public var key: String
    /// The header value (nil for a null value).
    public var value: [UInt8]?

    /// Creates a header.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// A message read by `KafkaSource`: where it came from and what it holds.
///
/// ```swift
/// lines.map("text") { String(decoding: $0.value, as: UTF8.self) }
/// ```
public struct KafkaMessage: Sendable, Hashable, Codable {
    /// The topic it was read from.
    public let topic: String
    /// The partition it was read from.
    public let partition: Int32
    /// Its offset in the partition.
    public let offset: Int64
    /// The key, nil when the message has none.
    public let key: [UInt8]?
    /// The value; empty for a null value (see `isNullValue`).
    public let value: [UInt8]
    /// True when the value is null (a tombstone), not just empty.
    public let isNullValue: Bool
    /// The headers, in order.
    public let headers: [KafkaHeader]
    /// The message timestamp, if the broker gave one.
    public let timestamp: Date?

    /// Creates a message (for tests; sources build them from Kafka).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], isNullValue: Bool = false,
        headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.isNullValue = isNullValue
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// A message for `KafkaSink` to produce.
///
/// ```swift
/// KafkaSinkMessage(key: "apple", value: "3")                      // to the sink's topic
/// KafkaSinkMessage(topic: "audit", key: nil, value: "x", partition: 2)
/// ```
public struct KafkaSinkMessage: Sendable, Hashable, Codable {
    /// The topic; nil means the sink's default topic.
    public var topic: String?
    /// The key, or nil.
    public var key: [UInt8]?
    /// The value.
    public var value: [UInt8]
    /// The headers.
    public var headers: [KafkaHeader]
    /// The partition; nil lets the producer's partitioner pick by key.
    public var partition: Int32?
    /// The message timestamp; nil lets the producer set it.
    public var timestamp: Date?

    /// Creates a message from bytes.
    public init(
        topic: String? = nil, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil,
        timestamp: Date? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestamp = timestamp
    }

    /// Creates a message from UTF-8 text.
    public init(
        topic: String? = nil, key: String?, value: String, headers: [KafkaHeader] = [], partition: Int32? = nil,
        timestamp: Date? = nil
    ) {
        self.init(
            topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers,
            partition: partition, timestamp: timestamp)
    }
}
