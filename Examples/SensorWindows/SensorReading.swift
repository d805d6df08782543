import Foundation

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
    static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let withoutFraction = Date.ISO8601FormatStyle()

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO 8601 time (like 2024-06-18T00:00:01.250Z)")
        }
        return decoder
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }

    /// A time in ISO 8601 UTC with milliseconds, rounded to the nearest one
    /// (the format style truncates, so 0.425 parsed back as 0.42499… would
    /// print as .424).
    static func format(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (millis / 1000).rounded(.down)
        let text = withoutFraction.format(Date(timeIntervalSince1970: seconds))
        let fraction = Int(millis - seconds * 1000)
        return text.dropLast() + "." + String(String(fraction + 1000).dropFirst()) + "Z"
    }

    /// A value as JSON text.
    static func text(of value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
