import Foundation

/// One order as it arrives on the orders topic, in JSON:
/// `{"id":"o-1","customer":"c-7","amount":12.5,"time":"2024-06-18T10:00:03.250Z"}`
/// (`time` in ISO 8601, with or without fractional seconds).
///
/// ```swift
/// let order = try Order.parse(Array(#"{"id":"o-1","customer":"c-7","amount":12.5,"time":"2024-06-18T10:00:03Z"}"#.utf8))
/// print(order.customer, order.amount)   // c-7 12.5
/// ```
struct Order: Codable, Sendable, Hashable {
    /// The order's id.
    var id: String
    /// The customer who placed it (the key of the totals and windows).
    var customer: String
    /// What it cost.
    var amount: Double
    /// When it was placed (its event time).
    var time: Date

    /// Decodes an order from a message value.
    /// - Parameter bytes: UTF-8 JSON.
    /// - Returns: The order.
    /// - Throws: A `DecodingError` saying what is wrong with the JSON.
    static func parse(_ bytes: [UInt8]) throws -> Order {
        try OrdersJSON.decoder.decode(Order.self, from: Data(bytes))
    }
}
