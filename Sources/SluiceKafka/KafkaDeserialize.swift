import Foundation
import SluiceCore

/// A Kafka message whose key and value were deserialized, with where it came
/// from, its headers and its timestamp.
///
/// ```swift
/// out.decoded.map("trace") { ($0.value, $0.headers.first { $0.key == "trace-id" }) }
/// ```
public struct KafkaDecoded<Key: Sendable, Value: Sendable>: Sendable {
    /// The key, nil when the message had none.
    public let key: Key?
    /// The value.
    public let value: Value
    /// The topic it was read from.
    public let topic: String
    /// The partition.
    public let partition: Int32
    /// The offset.
    public let offset: Int64
    /// The headers, in order.
    public let headers: [KafkaHeader]
    /// The message timestamp, if the broker gave one.
    public let timestamp: Date?

    /// Creates a decoded message (`deserialize` builds them; this is for tests).
    public init(
        key: Key?, value: Value, topic: String, partition: Int32, offset: Int64, headers: [KafkaHeader] = [],
        timestamp: Date? = nil
    ) {
        self.key = key
        self.value = value
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// What to do with a message or record that cannot be read.
public enum KafkaErrorHandling: Sendable {
    /// Stop the run with the error (the default).
    case raise
    /// Send the error to the `errors` stream and go on (dead-letter pattern).
    case route
}

/// The two streams of `deserialize`.
public struct KafkaDeserializeOutput<Key: Sendable, Value: Sendable> {
    /// The messages that deserialized.
    public let decoded: DataStream<KafkaDecoded<Key, Value>>
    /// The failures (empty with `.raise`), each with its error (naming
    /// topic, partition and offset) and the original message, ready for a
    /// dead-letter topic (`KafkaDeadLetter.sinkMessage(topic:partition:)`).
    public let errors: DataStream<KafkaDeadLetter>
}

extension DataStream where Item == KafkaMessage {
    /// Deserializes keys and values; a failure stops the run (`.raise`, the
    /// default) or goes to `errors` (`.route`), never silently dropped.
    ///
    /// ```swift
    /// let out = messages.deserialize("decode", key: .utf8, value: .json(Order.self), onError: .route)
    /// out.errors.map("dlq") { $0.sinkMessage(topic: "orders-dead") }.output("dead_letters", deadLetterSink)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - key: The key deserializer.
    ///   - value: The value deserializer.
    ///   - onError: Raise or route failures.
    /// - Returns: The decoded messages and the errors.
    public func deserialize<Key, Value>(
        _ name: String, key: KafkaDeserializer<Key>, value: KafkaDeserializer<Value>,
        onError: KafkaErrorHandling = .raise
    ) -> KafkaDeserializeOutput<Key, Value> {
        composite(name) { messages, _ in
            let results = messages.map("decode") { message -> Result<KafkaDecoded<Key, Value>, KafkaDeadLetter> in
                do {
                    return .success(
                        KafkaDecoded(
                            key: try message.key(as: key), value: try message.value(as: value), topic: message.topic,
                            partition: message.partition, offset: message.offset, headers: message.headers,
                            timestamp: message.timestamp))
                } catch let error as KafkaError {
                    if onError == .raise { throw error }
                    return .failure(KafkaDeadLetter(error: error, message: message))
                }
            }
            return results
        }.splitResults(name)
    }
}

extension DataStream {
    /// Splits a stream of results into the successes and the failures.
    fileprivate func splitResults<Key, Value>(
        _ name: String
    ) -> KafkaDeserializeOutput<Key, Value> where Item == Result<KafkaDecoded<Key, Value>, KafkaDeadLetter> {
        let parts = branch("\(name)_ok") { if case .success = $0 { return true } else { return false } }
        return KafkaDeserializeOutput(
            decoded: parts.trues.compactMap("\(name)_decoded") { try? $0.get() },
            errors: parts.falses.compactMap("\(name)_errors") {
                if case .failure(let error) = $0 { return error } else { return nil }
            })
    }
}
