import Foundation

/// The JSON coding of the orders service: ISO 8601 times (read with or
/// without fractional seconds, written with milliseconds), sorted keys.
///
/// ```swift
/// let text = try OrdersJSON.text(of: ["a": 1])   // {"a":1}
/// ```
enum OrdersJSON {
    static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let withoutFraction = Date.ISO8601FormatStyle()

    /// A decoder that reads ISO 8601 times with and without fractions.
    static var decoder: JSONDecoder {
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

    /// An encoder that writes times with milliseconds and sorts keys.
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
    /// (the format style truncates).
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

    /// What is wrong with a message, in a line a person can act on:
    /// `missing field 'amount'`, `field 'time': 'soon' is not an ISO 8601 time …`,
    /// `not JSON: …`.
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case .valueNotFound(_, let context), .typeMismatch(_, let context):
            return "field '\(path(context))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "not JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)"
            }
            return "field '\(path(context))': \(context.debugDescription)"
        case .none:
            return "\(error)"
        @unknown default:
            return "\(error)"
        }
    }
}
