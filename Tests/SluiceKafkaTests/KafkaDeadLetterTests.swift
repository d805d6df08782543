import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Dead letters without a broker: what `sinkMessage` writes, what
/// `deadLetterOrigin` reads back, and what `replay` produces.
@Suite struct KafkaDeadLetterTests {
    static let original = KafkaMessage(
        topic: "orders", partition: 3, offset: 41, key: Array("c-7".utf8), value: Array("{not json".utf8),
        headers: [KafkaHeader(key: "trace", value: Array("t-1".utf8)), KafkaHeader(key: "empty", value: nil)],
        timestamp: Date(timeIntervalSince1970: 1_718_668_800.25))

    static func header(_ message: KafkaSinkMessage, _ name: String) -> String? {
        message.headers.last { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aDeadLetterKeepsTheOriginalBytesAndNamesItsOrigin() throws {
        let error = KafkaError.deserializationFailed(topic: "orders", partition: 3, offset: 41, reason: "value: not JSON")
        let letter = KafkaDeadLetter(error: error, message: Self.original).sinkMessage(topic: "orders-dead")
        #expect(letter.topic == "orders-dead")
        #expect(letter.key == Self.original.key)
        #expect(letter.value == Self.original.value)
        #expect(Array(letter.headers.prefix(2)) == Self.original.headers, "the original headers come first, unchanged")
        #expect(Self.header(letter, "sluice.error") == "\(error)")
        #expect(Self.header(letter, "sluice.origin.topic") == "orders")
        #expect(Self.header(letter, "sluice.origin.partition") == "3")
        #expect(Self.header(letter, "sluice.origin.offset") == "41")
        #expect(Self.header(letter, "sluice.origin.timestamp") == "1718668800250")
        #expect(letter.partition == nil && letter.timestamp == nil)
    }

    @Test func aDeadLetterReadBackGivesItsOriginAndReplaysIntoIt() throws {
        let error = KafkaError.deserializationFailed(topic: "orders", partition: 3, offset: 41, reason: "value: not JSON")
        let letter = KafkaDeadLetter(error: error, message: Self.original).sinkMessage(topic: "orders-dead")
        let read = KafkaMessage(
            topic: "orders-dead", partition: 0, offset: 5, key: letter.key, value: letter.value, headers: letter.headers)
        let origin = try #require(read.deadLetterOrigin)
        #expect(origin.topic == "orders" && origin.partition == 3 && origin.offset == 41)
        #expect(origin.error == "\(error)")
        #expect(origin.timestamp == Self.original.timestamp)

        let fixed = origin.replay(read, value: Array(#"{"amount":3}"#.utf8))
        #expect(fixed.topic == "orders" && fixed.partition == 3)
        #expect(fixed.key == Self.original.key)
        #expect(String(decoding: fixed.value, as: UTF8.self) == #"{"amount":3}"#)
        #expect(fixed.headers == Self.original.headers, "the sluice.* headers are gone, the original ones stay")
        #expect(origin.replay(read, samePartition: false).partition == nil)
        #expect(origin.replay(read).value == Self.original.value)
    }

    @Test func aMessageWithoutTheHeadersIsNoDeadLetter() {
        #expect(Self.original.deadLetterOrigin == nil)
        let partial = KafkaMessage(
            topic: "x", partition: 0, offset: 0, key: nil, value: [],
            headers: [KafkaHeader(key: "sluice.error", value: Array("e".utf8))])
        #expect(partial.deadLetterOrigin == nil)
    }

    @Test func aDeadLetterOfADeadLetterCarriesOnlyTheNewOrigin() throws {
        let first = KafkaDeadLetter(
            error: .deserializationFailed(topic: "orders", partition: 3, offset: 41, reason: "first"), message: Self.original
        ).sinkMessage(topic: "orders-dead")
        let replayed = KafkaMessage(
            topic: "orders", partition: 1, offset: 99, key: first.key, value: first.value, headers: first.headers)
        let second = KafkaDeadLetter(
            error: .deserializationFailed(topic: "orders", partition: 1, offset: 99, reason: "second"), message: replayed
        ).sinkMessage()
        #expect(second.headers.filter { $0.key == "sluice.origin.offset" }.count == 1)
        #expect(Self.header(second, "sluice.origin.offset") == "99")
        #expect(Self.header(second, "sluice.error")?.contains("second") == true)
    }

    @Test func aConsumeErrorHasNoMessageButItsPlace() {
        let error = KafkaError.consumeFailed(topic: "orders", partition: 2, offset: 7, reason: "Broker: Offset out of range")
        let letter = KafkaDeadLetter(error: error, topic: "orders", partition: 2, offset: 7)
        #expect(letter.message == nil)
        let message = letter.sinkMessage(topic: "dead")
        #expect(message.key == nil && message.value.isEmpty)
        #expect(Self.header(message, "sluice.origin.partition") == "2")
        #expect(Self.header(message, "sluice.origin.offset") == "7")
        #expect("\(letter)" == "\(error)")
    }

    @Test func routedDeserializeErrorsCarryTheOriginalMessage() throws {
        let good = KafkaMessage(topic: "t", partition: 0, offset: 0, key: nil, value: Array("ok".utf8))
        let bad = KafkaMessage(topic: "t", partition: 0, offset: 1, key: Array("k".utf8), value: [0xff, 0xfe],
                               headers: [KafkaHeader(key: "h", value: [1])], timestamp: Date(timeIntervalSince1970: 10))
        let flow = Dataflow("dead_letters")
        let letters = TestingSink<KafkaSinkMessage>()
        let out = flow.input("in", TestingSource([good, bad])).deserialize("decode", key: .utf8, value: .utf8, onError: .route)
        out.decoded.output("decoded", TestingSink())
        out.errors.map("dlq") { $0.sinkMessage(topic: "dead") }.output("letters", letters)
        try expectRunSucceeds(flow, workers: 1)
        let letter = try #require(letters.items.first)
        #expect(letters.items.count == 1)
        #expect(letter.key == bad.key && letter.value == bad.value)
        #expect(letter.headers.first == bad.headers.first)
        #expect(Self.header(letter, "sluice.origin.offset") == "1")
        #expect(Self.header(letter, "sluice.origin.timestamp") == "10000")
        #expect(Self.header(letter, "sluice.error")?.contains("not valid UTF-8") == true)
    }
}
