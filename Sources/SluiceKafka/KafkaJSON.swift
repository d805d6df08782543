import Foundation

/// JSON coders for messages with ISO 8601 times. Foundation's `.iso8601`
/// strategy refuses fractional seconds (`2024-06-18T10:00:03.250Z`), which
/// most producers write: these read times with or without them and write
/// UTC with milliseconds.
///
/// ```swift
/// let orders = messages.deserialize("decode", key: .utf8, value: .json(Order.self, decoder: KafkaJSON.decoder()))
/// let bytes = try KafkaSerializer<Order>.json(encoder: KafkaJSON.encoder()).encode(order)
/// ```
public enum KafkaJSON {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// A decoder that reads `Date`s from ISO 8601 text with or without
    /// fractional seconds; other text is a `DecodingError` quoting it.
    ///
    /// ```swift
    /// let order = try KafkaJSON.decoder().decode(Order.self, from: data)
    /// ```
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO 8601 time (like 2024-06-18T10:00:03.250Z)")
        }
        return decoder
    }

    /// An encoder that writes `Date`s as `format(_:)` does and sorts keys.
    ///
    /// ```swift
    /// let text = String(decoding: try KafkaJSON.encoder().encode(order), as: UTF8.self)
    /// ```
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }

    /// A time in ISO 8601 UTC with milliseconds, rounded to the nearest one
    /// (Foundation's format style truncates, so 0.425 read back as 0.42499…
    /// would print as .424).
    ///
    /// ```swift
    /// KafkaJSON.format(Date(timeIntervalSince1970: 0.425))   // 1970-01-01T00:00:00.425Z
    /// ```
    public static func format(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (millis / 1000).rounded(.down)
        let text = withoutFraction.format(Date(timeIntervalSince1970: seconds))
        let fraction = Int(millis - seconds * 1000)
        return text.dropLast() + "." + String(String(fraction + 1000).dropFirst()) + "Z"
    }
}
