import Foundation
import Sluice
import SluiceKafka

/// The topics the orders flow reads and writes.
///
/// ```swift
/// let topics = OrdersTopics(orders: "orders", totals: "totals", windows: "windows", deadLetters: "orders-dead")
/// ```
struct OrdersTopics: Sendable {
    /// JSON orders in (each customer's orders in one partition, e.g. keyed by customer, keep their order).
    var orders: String
    /// Per-customer running totals out, one per order (key: customer).
    var totals: String
    /// Per-customer 1-minute order counts out, one per closed window (key: customer).
    var windows: String
    /// Unreadable messages and late orders, with the error in a header.
    var deadLetters: String
}

/// 1-minute tumbling windows aligned to the Unix epoch: window k covers
/// [60k s, 60k + 60 s) in every run.
let orderWindow = TumblingWindower(length: .seconds(60), alignTo: Date(timeIntervalSince1970: 0))

/// Builds the orders dataflow: parses JSON orders from `topics.orders`,
/// keys them by customer and writes each customer's running total after
/// every order to `topics.totals` and, on event time, the number of orders
/// in each closed 1-minute window to `topics.windows`. A window closes when
/// the customer's watermark (the newest order time minus `wait`, moving on
/// with system time while the customer is quiet) passes its end, and at the
/// end of a finite read. Messages that are not orders, and orders later than
/// their window, go to `topics.deadLetters` (see `DeadLetter`).
///
/// ```swift
/// let flow = makeOrdersFlow(
///     brokers: ["localhost:19092"],
///     topics: OrdersTopics(orders: "orders", totals: "totals", windows: "windows", deadLetters: "orders-dead"),
///     wait: .seconds(5), tail: true)
/// let service = DataflowService(try flow.plan())
/// ```
/// - Parameters:
///   - brokers: Bootstrap brokers.
///   - topics: The input and output topics.
///   - wait: How long to wait for out-of-order orders (the clock's allowance).
///   - tail: False to stop at the end of the input seen at start; true to run until stopped.
/// - Returns: The dataflow.
func makeOrdersFlow(brokers: [String], topics: OrdersTopics, wait: Duration, tail: Bool) -> Dataflow {
    let flow = Dataflow("orders_service")
    let parsed = flow.input("orders", KafkaSource(brokers: brokers, topics: [topics.orders], tail: tail))
        .map("parse") { message -> Result<Order, UnreadableOrder> in
            Result { try Order.parse(message.value) }.mapError { UnreadableOrder(message: message, error: $0) }
        }
    let orders = parsed.compactMap("valid") { try? $0.get() }.keyOn("customer") { $0.customer }
    let unreadable = parsed.compactMap("unreadable") { result -> KafkaSinkMessage? in
        guard case .failure(let failure) = result else { return nil }
        return failure.letter.message(topic: topics.deadLetters)
    }

    let totals = orders
        .statefulMap("total") { (total: Double?, order: Order) in
            let next = (total ?? 0) + order.amount
            return (next, CustomerTotal(customer: order.customer, order: order.id, total: next))
        }
        .map("encode_totals") { item in
            KafkaSinkMessage(topic: topics.totals, key: item.key, value: try OrdersJSON.text(of: item.value))
        }

    let windows = orders.countWindow(
        "windows", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: wait), windower: orderWindow)
    let counts = windows.down.map("encode_windows") { item in
        let record = CustomerWindowCount(customer: item.key, result: item.value)
        return KafkaSinkMessage(topic: topics.windows, key: item.key, value: try OrdersJSON.text(of: record))
    }
    let late = windows.late.map("late") { item in
        try DeadLetter(late: item.value.value, window: item.value.window.rawValue).message(topic: topics.deadLetters)
    }

    totals.merge("records", counts, late, unreadable).output("out", KafkaSink(brokers: brokers))
    return flow
}

/// A message whose value is not an order, with what is wrong with it.
///
/// ```swift
/// let failure = UnreadableOrder(message: message, error: error)
/// ```
struct UnreadableOrder: Error, Sendable {
    let letter: DeadLetter

    init(message: KafkaMessage, error: any Error) {
        letter = DeadLetter(unreadable: message, error: error)
    }
}
