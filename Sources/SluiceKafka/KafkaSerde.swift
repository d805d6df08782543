import Foundation

/// Turns the bytes of a key or value into a Swift value.
///
/// ```swift
/// let text = try message.value(as: .utf8)
/// let event = try message.value(as: .json(Event.self))
/// ```
public struct KafkaDeserializer<Value: Sendable>: Sendable {
    /// Decodes bytes; throws a message saying why they are not a `Value`.
    public let decode: @Sendable ([UInt8]) throws -> Value

    /// Creates a deserializer from a decoding function.
    public init(_ decode: @escaping @Sendable ([UInt8]) throws -> Value) { self.decode = decode }
}

/// Turns a Swift value into the bytes of a key or value.
///
/// ```swift
/// let bytes = try KafkaSerializer<Event>.json().encode(event)
/// ```
public struct KafkaSerializer<Value: Sendable>: Sendable {
    /// Encodes a value.
    public let encode: @Sendable (Value) throws -> [UInt8]

    /// Creates a serializer from an encoding function.
    public init(_ encode: @escaping @Sendable (Value) throws -> [UInt8]) { self.encode = encode }
}

/// Why bytes could not be deserialized.
public struct KafkaDeserializationReason: Error, CustomStringConvertible, Sendable {
    /// The reason, for the error message.
    public let description: String
}

extension KafkaDeserializer where Value == String {
    /// Strict UTF-8: invalid bytes are an error (never replaced silently).
    public static var utf8: KafkaDeserializer<String> {
        KafkaDeserializer { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let preview = bytes.prefix(16).map { String(format: "%02x", $0) }.joined(separator: " ")
                throw KafkaDeserializationReason(description: "not valid UTF-8 (\(bytes.count) bytes: \(preview)…)")
            }
            return text
        }
    }
}

extension KafkaDeserializer where Value == [UInt8] {
    /// The bytes as they are.
    public static var bytes: KafkaDeserializer<[UInt8]> { KafkaDeserializer { $0 } }
}

extension KafkaDeserializer {
    /// JSON into a `Decodable` type, read by `decoder` (configure its date
    /// strategy, e.g. `.iso8601`, and key strategy there).
    ///
    /// ```swift
    /// let decoder = JSONDecoder()
    /// decoder.dateDecodingStrategy = .iso8601
    /// let orders = KafkaDeserializer.json(Order.self, decoder: decoder)
    /// ```
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - decoder: The decoder; a default `JSONDecoder()` when omitted.
    public static func json(_ type: Value.Type, decoder: JSONDecoder = JSONDecoder()) -> KafkaDeserializer<Value>
    where Value: Decodable {
        // JSONDecoder is Sendable (it guards its settings with a lock).
        KafkaDeserializer { bytes in
            do {
                return try decoder.decode(Value.self, from: Data(bytes))
            } catch {
                throw KafkaDeserializationReason(description: "not JSON for \(Value.self): \(error)")
            }
        }
    }
}

extension KafkaSerializer where Value == String {
    /// UTF-8 text.
    public static var utf8: KafkaSerializer<String> { KafkaSerializer { Array($0.utf8) } }
}

extension KafkaSerializer {
    /// JSON from an `Encodable` value, written by `encoder` (configure its
    /// date strategy and output formatting there).
    ///
    /// ```swift
    /// let encoder = JSONEncoder()
    /// encoder.dateEncodingStrategy = .iso8601
    /// let bytes = try KafkaSerializer<Order>.json(encoder: encoder).encode(order)
    /// ```
    /// - Parameter encoder: The encoder; a default `JSONEncoder()` when omitted.
    public static func json(encoder: JSONEncoder = JSONEncoder()) -> KafkaSerializer<Value> where Value: Encodable {
        KafkaSerializer { try Array(encoder.encode($0)) }
    }
}

extension KafkaMessage {
    /// The value, deserialized.
    /// - Throws: `KafkaError.deserializationFailed` with topic, partition and offset.
    public func value<Value>(as deserializer: KafkaDeserializer<Value>) throws -> Value {
        do { return try deserializer.decode(value) } catch {
            throw KafkaError.deserializationFailed(
                topic: topic, partition: partition, offset: offset, reason: "value: \(error)")
        }
    }

    /// The key, deserialized; nil when the message has no key.
    /// - Throws: `KafkaError.deserializationFailed` with topic, partition and offset.
    public func key<Key>(as deserializer: KafkaDeserializer<Key>) throws -> Key? {
        guard let key else { return nil }
        do { return try deserializer.decode(key) } catch {
            throw KafkaError.deserializationFailed(
                topic: topic, partition: partition, offset: offset, reason: "key: \(error)")
        }
    }
}
