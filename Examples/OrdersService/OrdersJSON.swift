import Foundation
import SluiceKafka

/// The JSON coding of the orders service: ISO 8601 times (read with or
/// without fractional seconds, written with milliseconds), sorted keys.
///
/// ```swift
/// let text = try OrdersJSON.text(of: ["a": 1])   // {"a":1}
/// ```
enum OrdersJSON {
    /// Reads times with or without fractional seconds (`KafkaJSON`).
    static var decoder: JSONDecoder { KafkaJSON.decoder() }

    /// Writes times with milliseconds, sorted keys (`KafkaJSON`).
    static var encoder: JSONEncoder { KafkaJSON.encoder() }

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
