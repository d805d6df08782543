import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Testing

/// Every field of a `KafkaSinkMessage` survives the trip through Kafka into a
/// `KafkaMessage`: key, value, headers, partition, topic and timestamp.
@Suite struct KafkaMessageFieldsTests {
    /// What a message read back is compared on.
    struct Fields: Hashable, CustomStringConvertible {
        let key: [UInt8]?
        let value: [UInt8]
        let isNullValue: Bool
        let headers: [KafkaHeader]

        init(_ message: KafkaMessage) {
            key = message.key
            value = message.value
            isNullValue = message.isNullValue
            headers = message.headers
        }

        init(_ message: KafkaSinkMessage) {
            key = message.key
            value = message.value
            isNullValue = false
            headers = message.headers
        }

        var description: String {
            "key \(key.map { "\($0)" } ?? "nil") value \(value) null \(isNullValue) headers \(headers)"
        }
    }

    /// Keys (nil, empty, text, binary), values (empty, text, binary) and
    /// headers (none, several, a repeated name, a null and an empty value), in
    /// one partition so the order is kept.
    static let variety: [KafkaSinkMessage] = [
        KafkaSinkMessage(key: nil, value: "no key"),
        KafkaSinkMessage(key: [], value: Array("empty key".utf8)),
        KafkaSinkMessage(key: "k", value: ""),
        KafkaSinkMessage(key: nil, value: []),
        KafkaSinkMessage(key: [0, 255, 7], value: [0, 1, 2, 254, 255]),
        KafkaSinkMessage(
            key: "with headers", value: "h",
            headers: [
                KafkaHeader(key: "trace-id", value: Array("abc-123".utf8)),
                KafkaHeader(key: "null", value: nil),
                KafkaHeader(key: "empty", value: []),
                KafkaHeader(key: "binary", value: [0, 0, 9]),
                KafkaHeader(key: "trace-id", value: Array("second".utf8)),
            ]),
        KafkaSinkMessage(key: nil, value: [], headers: [KafkaHeader(key: "only", value: nil)]),
    ]

    @Test func keysValuesAndHeadersRoundTrip() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("fields", partitions: 1)
        try produce(Self.variety, to: topic, on: broker)

        let read = try readAll(topic, on: broker).sorted { $0.offset < $1.offset }
        #expect(read.map(Fields.init) == Self.variety.map(Fields.init))
        try broker.assertNoDroppedData()
    }

    /// Messages that name a partition land in exactly that partition; the
    /// partitions nobody names stay empty.
    @Test func namedPartitionsAreHonoured() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("partitions", partitions: 5)
        let named: [Int32] = [1, 3, 4]
        let messages = (0..<300).map { KafkaSinkMessage(key: "same key", value: "m\($0)", partition: named[$0 % 3]) }
        try produce(messages, to: topic, on: broker)

        let read = try readAll(topic, on: broker, workers: 2)
        #expect(read.count == messages.count)
        let expected = Dictionary(
            uniqueKeysWithValues: messages.map { (String(decoding: $0.value, as: UTF8.self), $0.partition!) })
        #expect(Dictionary(read.map { ($0.text, $0.partition) }, uniquingKeysWith: { first, _ in first }) == expected)
        #expect(Set(read.map(\.partition)) == Set(named))
        try broker.assertNoDroppedData()
    }

    /// A message's own topic wins over the sink's default topic.
    @Test func aMessageTopicOverridesTheSinkTopic() throws {
        let broker = try TestBroker()
        let main = try broker.topic("default-topic", partitions: 2)
        let audit = try broker.topic("audit-topic", partitions: 2)
        let messages = (0..<200).map {
            KafkaSinkMessage(topic: $0 % 4 == 0 ? audit : nil, key: "k\($0)", value: "m\($0)")
        }
        try produce(messages, to: main, on: broker)

        let inMain = try readAll(main, on: broker)
        let inAudit = try readAll(audit, on: broker)
        #expect(multiset(inMain.map(\.text)) == multiset((0..<200).filter { $0 % 4 != 0 }.map { "m\($0)" }))
        #expect(multiset(inAudit.map(\.text)) == multiset((0..<200).filter { $0 % 4 == 0 }.map { "m\($0)" }))
        #expect(inMain.allSatisfy { $0.topic == main } && inAudit.allSatisfy { $0.topic == audit })
        try broker.assertNoDroppedData()
    }

    /// Explicit timestamps come back to the millisecond (Kafka's precision),
    /// also on messages without headers; messages without one get the
    /// producer's clock.
    @Test func timestampsRoundTrip() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("timestamps", partitions: 1)
        let base = milliseconds(Date()) - 86_400_000
        let stamped = (0..<50).map {
            KafkaSinkMessage(
                key: "k", value: "t\($0)", headers: $0 % 2 == 0 ? [] : [KafkaHeader(key: "h", value: [1])],
                timestamp: Date(timeIntervalSince1970: TimeInterval(base + Int64($0) * 1_000 + 7) / 1000))
        }
        let before = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        try produce(stamped + [KafkaSinkMessage(key: "k", value: "unstamped")], to: topic, on: broker)
        let after = Int64((Date().timeIntervalSince1970 * 1000).rounded(.up))

        let read = try readAll(topic, on: broker).sorted { $0.offset < $1.offset }
        try #require(read.count == stamped.count + 1)
        #expect(read.dropLast().map(\.timestampMilliseconds) == stamped.map { $0.timestamp.map(milliseconds) })
        let unstamped = try #require(read.last?.timestampMilliseconds)
        #expect((before...after).contains(unstamped))
        try broker.assertNoDroppedData()
    }
}
