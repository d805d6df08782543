import Foundation

extension KafkaSinkMessage {
    /// A message whose value is `value` as JSON (written by `encoder`), with
    /// a UTF-8 text key and headers.
    ///
    /// ```swift
    /// let encoder = JSONEncoder()
    /// encoder.dateEncodingStrategy = .iso8601
    /// let message = try KafkaSinkMessage(topic: "totals", key: "c-7", json: total, encoder: encoder)
    /// ```
    /// - Parameters:
    ///   - topic: The topic; nil for the sink's default topic.
    ///   - key: The key, or nil.
    ///   - value: The value to encode.
    ///   - headers: The headers.
    ///   - partition: The partition; nil lets the producer pick by key.
    ///   - encoder: The encoder; a default `JSONEncoder()` when omitted.
    /// - Throws: The encoder's error when `value` cannot be encoded.
    public init(
        topic: String? = nil, key: String?, json value: some Encodable, headers: [KafkaHeader] = [],
        partition: Int32? = nil, encoder: JSONEncoder = JSONEncoder()
    ) throws {
        self.init(
            topic: topic, key: key.map { Array($0.utf8) }, value: Array(try encoder.encode(value)), headers: headers,
            partition: partition)
    }

    /// A message whose key and value are encoded by serializers.
    ///
    /// ```swift
    /// let message = try KafkaSinkMessage(topic: "orders", key: order.customer, keySerializer: .utf8,
    ///                                    value: order, valueSerializer: .json())
    /// ```
    /// - Parameters:
    ///   - topic: The topic; nil for the sink's default topic.
    ///   - key: The key, or nil.
    ///   - keySerializer: How to encode the key.
    ///   - value: The value.
    ///   - valueSerializer: How to encode the value.
    ///   - headers: The headers.
    ///   - partition: The partition; nil lets the producer pick by key.
    /// - Throws: A serializer's error.
    public init<Key, Value>(
        topic: String? = nil, key: Key?, keySerializer: KafkaSerializer<Key>, value: Value,
        valueSerializer: KafkaSerializer<Value>, headers: [KafkaHeader] = [], partition: Int32? = nil
    ) throws {
        self.init(
            topic: topic, key: try key.map(keySerializer.encode), value: try valueSerializer.encode(value),
            headers: headers, partition: partition)
    }
}
