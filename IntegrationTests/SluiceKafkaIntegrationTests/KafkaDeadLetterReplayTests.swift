import Foundation
import Sluice
import SluiceKafka
import SluiceKafkaTesting
import SluiceTesting
import SluiceTestSupport
import Testing

/// Dead letters on a broker: unreadable orders go to a dead-letter topic with
/// their original bytes and origin; fixed and replayed into the input topic,
/// a rerun gives the totals of every order; a dead letter the producer
/// refuses (over its size limit) fails the run naming the original message.
@Suite struct KafkaDeadLetterReplayTests {
    struct Order: Codable, Sendable {
        let customer: String
        let amount: Int
        let time: Date
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Per-customer totals of the input topic's orders; unreadable ones to `dead`.
    static func totalsFlow(brokers: [String], input: String, dead: String, totals: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("totals")
        let out = flow.input("orders", KafkaSource(brokers: brokers, topics: [input], tail: false))
            .deserialize("decode", key: .utf8, value: .json(Order.self, decoder: decoder), onError: .route)
        out.decoded.keyOn("customer") { $0.value.customer }
            .mapValue("amount") { $0.value.amount }
            .reduceFinal("total") { $0 + $1 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("totals", totals)
        out.errors.map("dead_letter") { $0.sinkMessage(topic: dead) }.output("dead", KafkaSink(brokers: brokers))
        return flow
    }

    @Test func fixedDeadLettersReplayedIntoTheInputGiveTheRightTotals() throws {
        let broker = try TestBroker()
        let input = try broker.topic("orders", partitions: 2)
        let dead = try broker.topic("orders-dead", partitions: 1)
        let topics = KafkaTestTopics(brokers: broker.brokers)
        // Valid orders, and orders whose time lacks its zone (not ISO 8601): the
        // fix appends the "Z". Amounts: c-1: 1+2 (+10 fixed), c-2: 5 (+20 fixed).
        func order(_ customer: String, _ amount: Int, _ time: String) -> KafkaSinkMessage {
            KafkaSinkMessage(
                key: customer, value: #"{"customer":"\#(customer)","amount":\#(amount),"time":"\#(time)"}"#,
                headers: [KafkaHeader(key: "source", value: Array("test".utf8))])
        }
        try topics.produce(
            [
                order("c-1", 1, "2024-06-18T10:00:00Z"), order("c-2", 5, "2024-06-18T10:00:01Z"),
                order("c-1", 10, "2024-06-18T10:00:02"), order("c-1", 2, "2024-06-18T10:00:03Z"),
                order("c-2", 20, "2024-06-18T10:00:04"),
            ], to: input)

        let first = TestingSink<String>()
        try runToEnd(Self.totalsFlow(brokers: broker.brokers, input: input, dead: dead, totals: first), workers: 2)
        #expect(first.items.sorted() == ["c-1=3", "c-2=5"])
        try topics.waitUntil(dead, holds: 2)
        let letters = try topics.readAll(dead)
        #expect(letters.count == 2)
        let origins = letters.compactMap(\.deadLetterOrigin)
        #expect(origins.count == 2, "every dead letter names its origin")
        #expect(Set(origins.map(\.topic)) == [input])
        #expect(letters.allSatisfy { $0.headers.first == KafkaHeader(key: "source", value: Array("test".utf8)) })
        #expect(origins.allSatisfy { $0.error.contains("cannot deserialize") })
        let originals = try topics.readAll(input)
        for (letter, origin) in zip(letters, origins) {
            let source = try #require(originals.first { $0.partition == origin.partition && $0.offset == origin.offset })
            #expect(letter.key == source.key && letter.value == source.value, "the dead letter holds the original bytes")
        }

        // Fix: add the missing zone, replay into the origin partition.
        let fixed = zip(letters, origins).map { letter, origin in
            let text = String(decoding: letter.value, as: UTF8.self).replacingOccurrences(of: #""}"#, with: #"Z"}"#)
            return origin.replay(letter, value: Array(text.utf8))
        }
        try topics.produce(fixed, to: input)

        // A rerun over the whole input: the replayed orders count; the broken
        // originals go to the dead-letter topic again (the same two offsets).
        let second = TestingSink<String>()
        try runToEnd(Self.totalsFlow(brokers: broker.brokers, input: input, dead: dead, totals: second), workers: 2)
        #expect(second.items.sorted() == ["c-1=13", "c-2=25"])
        try topics.waitUntil(dead, holds: 4)
        let again = try topics.readAll(dead).dropFirst(2).compactMap(\.deadLetterOrigin)
        #expect(Set(again.map { "\($0.partition)@\($0.offset ?? -1)" }) == Set(origins.map { "\($0.partition)@\($0.offset ?? -1)" }))
        try broker.assertNoDroppedData()
    }

    @Test func aDeadLetterOverTheSizeLimitNamesTheOriginalMessage() throws {
        let broker = try TestBroker()
        let input = try broker.topic("big", partitions: 1)
        let dead = try broker.topic("big-dead", partitions: 1)
        let topics = KafkaTestTopics(brokers: broker.brokers)
        // 20,000 bytes that are not UTF-8, after one good message.
        try topics.produce(
            [KafkaSinkMessage(key: nil, value: "fine"), KafkaSinkMessage(key: nil, value: [UInt8](repeating: 0xff, count: 20_000))],
            to: input)

        let flow = Dataflow("big_dead_letters")
        let out = flow.input("in", KafkaSource(brokers: broker.brokers, topics: [input], tail: false))
            .deserialize("decode", key: .utf8, value: .utf8, onError: .route)
        out.decoded.output("ok", TestingSink())
        out.errors.map("dead_letter") { $0.sinkMessage(topic: dead) }
            .output("dead", KafkaSink(brokers: broker.brokers, config: ["message.max.bytes": "10000"]))
        let error = try ErrorPath.expectFailure(flow, workers: 1).error
        let text = "\(error)"
        #expect(text.contains("'\(dead)'"), "\(text)")
        #expect(text.contains("dead letter of Kafka topic '\(input)' partition 0 offset 1"), "\(text)")
        #expect(text.lowercased().contains("too large"), "\(text)")
    }
}
