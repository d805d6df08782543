import Foundation
import SluiceKafka

/// One sensor reading as it arrives on the input topic, in JSON:
/// `{"sensor": "s1", "time": "2024-06-18T00:00:01.250Z", "value": 21.5}`
/// (`time` in ISO 8601, with or without fractional seconds).
///
/// ```swift
/// let reading = try SensorReading.parse(Array(#"{"sensor":"s1","time":"2024-06-18T00:00:01Z","value":21.5}"#.utf8))
/// print(reading.sensor, reading.value)   // s1 21.5
/// ```
struct SensorReading: Codable, Sendable, Hashable {
    /// The sensor's id (the key of the per-sensor windows).
    var sensor: String
    /// When the reading was taken (its event time).
    var time: Date
    /// The measured value.
    var value: Double

    /// Decodes a reading from a message value.
    /// - Parameter bytes: UTF-8 JSON.
    /// - Returns: The reading.
    /// - Throws: A `DecodingError` saying what is wrong with the JSON.
    static func parse(_ bytes: [UInt8]) throws -> SensorReading {
        try SensorJSON.decoder.decode(SensorReading.self, from: Data(bytes))
    }
}

/// The JSON coding of the example: ISO 8601 times with milliseconds, sorted keys.
///
/// ```swift
/// let text = try SensorJSON.text(of: ["a": 1])   // {"a":1}
/// ```
enum SensorJSON {
    /// Reads times with or without fractional seconds (`KafkaJSON`).
    static var decoder: JSONDecoder { KafkaJSON.decoder() }

    /// Writes times with milliseconds, sorted keys (`KafkaJSON`).
    static var encoder: JSONEncoder { KafkaJSON.encoder() }

    /// A time in ISO 8601 UTC with milliseconds, rounded (`KafkaJSON.format`).
    static func format(_ date: Date) -> String { KafkaJSON.format(date) }

    /// A value as JSON text.
    static func text(of value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
