import SluiceCore

/// A Kafka message whose key and value were deserialized.
public struct KafkaDecoded<Key: Sendable, Value: Sendable>: Sendable {
    /// The key, nil when the message had none.
    public let key: Key?
    /// The value.
    public let value: Value
    /// Where it came from (topic, partition, offset, headers, timestamp).
    public let topic: String
    /// The partition.
    public let partition: Int32
    /// The offset.
    public let offset: Int64
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
    /// The failures (empty with `.raise`), each naming topic, partition and offset.
    public let errors: DataStream<KafkaError>
}

extension DataStream where Item == KafkaMessage {
    /// Deserializes keys and values; a failure stops the run (`.raise`, the
    /// default) or goes to `errors` (`.route`), never silently dropped.
    ///
    /// ```swift
    /// let out = messages.deserialize("decode", key: .utf8, value: .json(Order.self), onError: .route)
    /// out.errors.map("dlq") { KafkaSinkMessage(key: nil, value: "\($0)") }.output("dead_letters", deadLetterSink)
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
            let results = messages.map("decode") { message -> Result<KafkaDecoded<Key, Value>, KafkaError> in
                do {
                    return .success(
                        KafkaDecoded(
                            key: try message.key(as: key), value: try message.value(as: value), topic: message.topic,
                            partition: message.partition, offset: message.offset))
                } catch let error as KafkaError {
                    if onError == .raise { throw error }
                    return .failure(error)
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
    ) -> KafkaDeserializeOutput<Key, Value> where Item == Result<KafkaDecoded<Key, Value>, KafkaError> {
        let parts = branch("\(name)_ok") { if case .success = $0 { return true } else { return false } }
        return KafkaDeserializeOutput(
            decoded: parts.trues.compactMap("\(name)_decoded") { try? $0.get() },
            errors: parts.falses.compactMap("\(name)_errors") {
                if case .failure(let error) = $0 { return error } else { return nil }
            })
    }
}
