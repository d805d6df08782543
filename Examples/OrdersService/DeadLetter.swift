import Foundation
import SluiceKafka

/// A message the service could not use, on its way to the dead-letter topic:
/// the original key and value bytes unchanged, and headers saying why
/// (`error`) and where it came from (`source`: topic/partition@offset, or
/// `step` for a late order).
///
/// ```swift
/// let letter = DeadLetter(unreadable: message, error: error)
/// let out = letter.message(topic: "orders-dead")
/// ```
struct DeadLetter: Sendable {
    /// The header that carries the error.
    static let errorHeader = "error"
    /// The header that names the message's origin.
    static let sourceHeader = "source"

    var key: [UInt8]?
    var value: [UInt8]
    var error: String
    var source: String

    /// A message whose value is not an order (not JSON, a missing or bad field).
    init(unreadable message: KafkaMessage, error: any Error) {
        key = message.key
        value = message.value
        self.error = OrdersJSON.describe(error)
        source = "\(message.topic)/\(message.partition)@\(message.offset)"
    }

    /// An order that came after its window had closed (it still counts in
    /// the running total).
    init(late order: Order, window: Int) throws {
        key = Array(order.customer.utf8)
        value = Array(try OrdersJSON.text(of: order).utf8)
        error = "late: the 1-minute window \(window) of customer '\(order.customer)' had closed"
        source = "step windows"
    }

    /// The message for the dead-letter topic.
    func message(topic: String) -> KafkaSinkMessage {
        KafkaSinkMessage(
            topic: topic, key: key, value: value,
            headers: [
                KafkaHeader(key: Self.errorHeader, value: Array(error.utf8)),
                KafkaHeader(key: Self.sourceHeader, value: Array(source.utf8)),
            ])
    }
}
