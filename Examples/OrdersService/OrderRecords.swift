import Foundation
import Sluice

/// A customer's running total after one order, as written to the totals topic
/// (key: the customer): `{"customer":"c-7","order":"o-1","total":12.5}`.
///
/// ```swift
/// let record = CustomerTotal(customer: "c-7", order: "o-1", total: 12.5)
/// ```
struct CustomerTotal: Codable, Sendable, Hashable {
    var customer: String
    /// The order that brought the total here.
    var order: String
    /// The sum of the customer's order amounts so far.
    var total: Double
}

/// How many orders a customer placed in one closed 1-minute window, as
/// written to the windows topic (key: the customer):
/// `{"count":3,"customer":"c-7","end":"2024-06-18T10:01:00.000Z","start":"2024-06-18T10:00:00.000Z","window":28644480}`.
///
/// ```swift
/// counts.down.map("record") { CustomerWindowCount(customer: $0.key, result: $0.value) }
/// ```
struct CustomerWindowCount: Codable, Sendable, Hashable {
    var customer: String
    /// The window's number: minutes since 1970-01-01T00:00:00Z.
    var window: Int
    var start: Date
    var end: Date
    var count: Int

    /// The record of one closed window's count (its times come with the result).
    init(customer: String, result: WindowResult<Int>) {
        self.customer = customer
        self.window = result.window.rawValue
        self.start = result.start
        self.end = result.end
        self.count = result.value
    }
}
