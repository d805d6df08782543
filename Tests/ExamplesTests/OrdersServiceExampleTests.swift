import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import OrdersService

/// The orders-service example's dataflow on the embedded broker: generated
/// JSON orders (several customers over ten minutes, out of order within the
/// allowance, some unreadable) against a naive reference of running totals,
/// 1-minute window counts and dead letters; and a tailing run stopped and
/// resumed three times that writes what one run writes.
@Suite(.onOwnThread) struct OrdersServiceExampleTests {
    /// 2024-06-18 10:00:00 UTC.
    static let base = Date(timeIntervalSince1970: 1_718_704_800)
    static let wait = 120.0
    static let topics = OrdersTopics(orders: "orders", totals: "totals", windows: "windows", deadLetters: "dead")

    struct GeneratedOrder {
        let id: String
        let customer: String
        let millis: Int
        let amount: Double
        var time: Date { OrdersServiceExampleTests.base.addingTimeInterval(Double(millis) / 1000) }
        /// Whole seconds are written without a fraction, the others with milliseconds.
        var json: String {
            let time = millis % 1000 == 0 ? Date.ISO8601FormatStyle().format(self.time) : KafkaJSON.format(self.time)
            return #"{"id":"\#(id)","customer":"\#(customer)","amount":\#(amount),"time":"\#(time)"}"#
        }
    }

    /// 400 orders of 5 customers, 0.2–2.8 s apart over about ten minutes; one
    /// in eight is up to 5 s older than the one before (out of order, well
    /// within the allowance); amounts are quarters, so sums are exact.
    static func orders() -> [GeneratedOrder] {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var clock = 0
        return (0..<400).map { index in
            clock += 200 + next(2600)
            var millis = clock - (next(8) == 0 ? next(5000) : 0)
            if next(5) == 0 { millis -= millis % 1000 }
            return GeneratedOrder(
                id: "o-\(index)", customer: "c-\(next(5))", millis: max(millis, 0), amount: Double(next(400)) / 4)
        }
    }

    /// The messages that are not orders, with a word their error must contain.
    static let bad: [(value: [UInt8], error: String)] = [
        (Array("not json".utf8), "not JSON"),
        (Array(#"{"id":"o-x","customer":"c-1","time":"2024-06-18T10:01:00Z"}"#.utf8), "missing field 'amount'"),
        (Array(#"{"id":"o-y","customer":"c-2","amount":3,"time":"soon"}"#.utf8), "'soon' is not an ISO 8601 time"),
        (Array(#"{"id":"o-z","customer":"c-3","amount":"ten","time":"2024-06-18T10:02:00Z"}"#.utf8), "field 'amount'"),
        ([0xFF, 0xFE, 0x00, 0x7B], "not JSON"),
    ]

    /// The orders as messages keyed by customer, with the bad ones spread among them.
    static func messages(_ orders: [GeneratedOrder]) -> [KafkaSinkMessage] {
        var messages = orders.map { KafkaSinkMessage(key: $0.customer, value: $0.json) }
        for (index, bad) in bad.enumerated() {
            messages.insert(KafkaSinkMessage(key: Array("bad".utf8), value: bad.value), at: min(30 + index * 80, messages.count))
        }
        return messages
    }

    struct Results: Equatable {
        /// "customer order total", sorted (duplicates kept).
        var totals: [String] = []
        /// "customer#window count", sorted (duplicates kept).
        var windows: [String] = []
        /// Dead-letter values, sorted (duplicates kept).
        var deadValues: [[UInt8]] = []
    }

    /// The naive reference: per customer in produced order, the running sum;
    /// per customer and minute, the count of orders not later than the
    /// customer's newest time minus the allowance; the bad messages and the
    /// late orders (re-encoded) as dead letters.
    static func reference(_ orders: [GeneratedOrder], wait: Double = wait) -> Results {
        var results = Results()
        var sums: [String: Double] = [:]
        var newest: [String: Int] = [:]
        var counts: [String: Int] = [:]
        for order in orders {
            sums[order.customer, default: 0] += order.amount
            results.totals.append("\(order.customer) \(order.id) \(sums[order.customer]!)")
            let latest = max(newest[order.customer] ?? order.millis, order.millis)
            newest[order.customer] = latest
            let window = Int((order.time.timeIntervalSince1970 / 60).rounded(.down))
            if (window + 1) * 60_000 <= Int(base.timeIntervalSince1970) * 1000 + latest - Int(wait * 1000) {
                let record = Order(id: order.id, customer: order.customer, amount: order.amount, time: order.time)
                results.deadValues.append(Array(try! OrdersJSON.text(of: record).utf8))
            } else {
                counts["\(order.customer)#\(window)", default: 0] += 1
            }
        }
        results.totals.sort()
        results.windows = counts.map { "\($0.key) \($0.value)" }.sorted()
        results.deadValues = (results.deadValues + bad.map(\.value)).sorted { $0.lexicographicallyPrecedes($1) }
        return results
    }

    /// Creates the example's topics; returns the brokers.
    static func createTopics(on kafka: EmbeddedKafka) throws -> [String] {
        try ExampleKafka.createTopics(["orders", "totals", "windows", "dead"], on: kafka)
    }

    /// Appends `messages` to the orders topic.
    static func produce(_ messages: [KafkaSinkMessage], brokers: [String]) throws {
        try ExampleKafka.produce(messages, to: "orders", brokers: brokers)
    }

    /// Reads back what the example wrote, checking each record's shape.
    static func observe(_ kafka: EmbeddedKafka) throws -> Results {
        let decoder = OrdersJSON.decoder
        var results = Results()
        for message in try ExampleKafka.readAll(["totals", "windows", "dead"], on: kafka) {
            let key = message.key.map { String(decoding: $0, as: UTF8.self) }
            switch message.topic {
            case "totals":
                let record = try decoder.decode(CustomerTotal.self, from: Data(message.value))
                #expect(key == record.customer)
                results.totals.append("\(record.customer) \(record.order) \(record.total)")
            case "windows":
                let record = try decoder.decode(CustomerWindowCount.self, from: Data(message.value))
                #expect(key == record.customer)
                #expect(record.end.timeIntervalSince(record.start) == 60)
                #expect(record.start.timeIntervalSince1970 == Double(record.window) * 60)
                results.windows.append("\(record.customer)#\(record.window) \(record.count)")
            default:
                let error = message.headers.first { $0.key == DeadLetter.errorHeader }?.value
                let text = error.map { String(decoding: $0, as: UTF8.self) } ?? ""
                let source = message.headers.first { $0.key == DeadLetter.sourceHeader }?.value ?? []
                #expect(!source.isEmpty, "a dead letter without its source")
                if let bad = bad.first(where: { $0.value == message.value }) {
                    #expect(text.contains(bad.error), "dead letter \(message.value): \(text)")
                    #expect(key == "bad")
                } else {
                    #expect(text.hasPrefix("late"), "dead letter \(String(decoding: message.value, as: UTF8.self)): \(text)")
                }
                results.deadValues.append(message.value)
            }
        }
        results.totals.sort()
        results.windows.sort()
        results.deadValues.sort { $0.lexicographicallyPrecedes($1) }
        #expect(try kafka.droppedData().isEmpty)
        return results
    }

    /// Checks `observed` against the reference, naming the differences.
    static func expectMatches(_ observed: Results, _ expected: Results) {
        func difference(_ here: [String], _ there: [String]) -> String {
            "only here: \(Set(here).subtracting(there).sorted().prefix(10)), only expected: \(Set(there).subtracting(here).sorted().prefix(10)), counts \(here.count) vs \(there.count)"
        }
        #expect(observed.totals == expected.totals, "\(difference(observed.totals, expected.totals))")
        #expect(observed.windows == expected.windows, "\(difference(observed.windows, expected.windows))")
        let dead = observed.deadValues.map { String(decoding: $0, as: UTF8.self).debugDescription }
        let expectedDead = expected.deadValues.map { String(decoding: $0, as: UTF8.self).debugDescription }
        #expect(observed.deadValues == expected.deadValues, "\(difference(dead, expectedDead))")
    }

    @Test func theReferenceHasManyWindowsAndOutOfOrderOrders() {
        let orders = Self.orders()
        let expected = Self.reference(orders)
        #expect(expected.windows.count > 40, "\(expected.windows.count) windows")
        #expect(Set(orders.map { Int($0.time.timeIntervalSince1970 / 60) }).count >= 8, "several minutes")
        #expect(zip(orders, orders.dropFirst()).contains { $0.customer == $1.customer && $1.millis < $0.millis })
        #expect(orders.contains { $0.millis % 1000 == 0 } && orders.contains { $0.millis % 1000 != 0 })
    }

    @Test(arguments: [1, 2])
    func totalsWindowsAndDeadLettersMatchTheReference(workers: Int) throws {
        let orders = Self.orders()
        let kafka = try EmbeddedKafka()
        let brokers = try Self.createTopics(on: kafka)
        try Self.produce(Self.messages(orders), brokers: brokers)
        try run(makeOrdersFlow(brokers: brokers, topics: Self.topics, wait: .seconds(Self.wait), tail: false), workers: workers)
        Self.expectMatches(try Self.observe(kafka), Self.reference(orders))
    }

    /// With a 5 s allowance an order 50 s older than its customer's newest
    /// is late for its closed window: it goes to the dead letters
    /// (re-encoded, with the reason) and still counts in the running total.
    @Test func lateOrdersAreDeadLettersNotDrops() throws {
        let orders = [
            GeneratedOrder(id: "a", customer: "c-1", millis: 30_000, amount: 1),
            GeneratedOrder(id: "b", customer: "c-1", millis: 90_000, amount: 2),
            GeneratedOrder(id: "c", customer: "c-1", millis: 40_000, amount: 4),  // its minute closed at 10:01:25
            GeneratedOrder(id: "d", customer: "c-1", millis: 110_000, amount: 8),
            GeneratedOrder(id: "e", customer: "c-2", millis: 10_000, amount: 16),
            GeneratedOrder(id: "f", customer: "c-2", millis: 5_000, amount: 32),  // out of order, in time
        ]
        let expected = Self.reference(orders, wait: 5)
        #expect(expected.deadValues.count == Self.bad.count + 1)
        #expect(expected.windows == ["c-1#28645080 1", "c-1#28645081 2", "c-2#28645080 2"])
        let kafka = try EmbeddedKafka()
        let brokers = try Self.createTopics(on: kafka)
        try Self.produce(Self.messages(orders), brokers: brokers)
        try run(makeOrdersFlow(brokers: brokers, topics: Self.topics, wait: .seconds(5), tail: false), workers: 2)
        Self.expectMatches(try Self.observe(kafka), expected)
    }

    /// The tailing flow with a recovery store, stopped gracefully three times
    /// after a committed snapshot (each stop suspends: open windows stay in
    /// the snapshot) with more input before each restart, then run to the
    /// end: every total, window and dead letter is written once.
    @Test func stoppedAndResumedRunsWriteWhatOneRunWrites() throws {
        let orders = Self.orders()
        let kafka = try EmbeddedKafka()
        let brokers = try Self.createTopics(on: kafka)
        let messages = Self.messages(orders)
        let quarters = (0..<4).map { Array(messages[$0 * messages.count / 4..<($0 + 1) * messages.count / 4]) }
        let runs = StoppedRuns(name: "orders")
        defer { runs.removeDirectory() }
        try runs.stopEach(workers: [1, 2, 1], before: { try Self.produce(quarters[$0], brokers: brokers) }) {
            makeOrdersFlow(brokers: brokers, topics: Self.topics, wait: .seconds(Self.wait), tail: true)
        }
        try Self.produce(quarters[3], brokers: brokers)
        let last = makeOrdersFlow(brokers: brokers, topics: Self.topics, wait: .seconds(Self.wait), tail: false)
        try run(last, configuration: try runs.configuration(workers: 2, flow: last))
        Self.expectMatches(try Self.observe(kafka), Self.reference(orders))
    }

    @Test func parsesISOTimesWithAndWithoutFractions() throws {
        let exact = try Order.parse(Array(#"{"id":"o-1","customer":"c-7","amount":1,"time":"2024-06-18T10:00:03Z"}"#.utf8))
        #expect(exact.time == Self.base.addingTimeInterval(3))
        let fraction = try Order.parse(
            Array(#"{"id":"o-1","customer":"c-7","amount":12.5,"time":"2024-06-18T10:00:03.250Z"}"#.utf8))
        #expect(fraction.time == Self.base.addingTimeInterval(3.25) && fraction.amount == 12.5)
        #expect(throws: DecodingError.self) {
            try Order.parse(Array(#"{"id":"o-1","customer":"c-7","amount":1,"time":"soon"}"#.utf8))
        }
    }

    @Test(arguments: [
        (["--wait=-1"], "--wait must be zero or more seconds"),
        (["--http-port", "70000"], "--http-port must be between 0 and 65535"),
        (["--processes", "2"], "--processes is not supported"),
    ])
    func badOptionsAreRefusedNamingTheOption(bad: (arguments: [String], message: String)) throws {
        let required = ["--brokers", "127.0.0.1:1"]
        let parsed = try OrdersServiceCommand.parseAsRoot(required + ["--http-port", "0", "--no-tail"])
        let command = try #require(parsed as? OrdersServiceCommand)
        #expect(command.httpPort == 0 && !command.tail)
        #expect(try (OrdersServiceCommand.parseAsRoot(required) as? OrdersServiceCommand)?.tail == true)
        do {
            _ = try OrdersServiceCommand.parseAsRoot(required + bad.arguments)
            Issue.record("\(bad.arguments) was accepted")
        } catch {
            #expect(OrdersServiceCommand.message(for: error).contains(bad.message))
        }
    }
}
