import Foundation
import SluiceKafka
import Testing

/// A message as `KafkaSource` would build it, for deserializer tests.
func message(
    topic: String = "orders", partition: Int32 = 3, offset: Int64 = 42, key: [UInt8]? = nil, value: [UInt8]
) -> KafkaMessage {
    KafkaMessage(topic: topic, partition: partition, offset: offset, key: key, value: value)
}

/// Bytes that are not UTF-8: a lone continuation byte, an overlong encoding,
/// a UTF-16 surrogate, a truncated sequence, and bytes that never occur.
let invalidUTF8: [[UInt8]] = [
    [0x80],
    [0x61, 0xC0, 0x80, 0x62],
    [0xED, 0xA0, 0x80],
    [0x61, 0xE2, 0x82],
    [0xFF, 0xFE, 0x00],
]

struct Order: Codable, Equatable, Sendable {
    let id: Int
    let item: String
}

/// `KafkaDeserializer` and `KafkaSerializer`: strict decoding whose failures
/// name the message's topic, partition and offset, never a silent replacement.
@Suite struct KafkaSerdeTests {
    @Test func utf8DecodesValidText() throws {
        for text in ["", "plain", "naïve café", "日本語", "emoji 🚀 text"] {
            #expect(try message(value: Array(text.utf8)).value(as: .utf8) == text)
            #expect(try KafkaDeserializer<String>.utf8.decode(Array(text.utf8)) == text)
        }
    }

    @Test(arguments: invalidUTF8)
    func utf8RejectsInvalidBytesNamingTopicPartitionAndOffset(bytes: [UInt8]) throws {
        let bad = message(topic: "events", partition: 7, offset: 1234, value: bytes)
        let error = try #require(throws: KafkaError.self) { try bad.value(as: .utf8) }
        guard case let .deserializationFailed(topic, partition, offset, reason) = error else {
            Issue.record("expected deserializationFailed, got \(error)")
            return
        }
        #expect(topic == "events")
        #expect(partition == 7)
        #expect(offset == 1234)
        #expect(reason.hasPrefix("value: "), "reason: \(reason)")
        #expect(reason.contains("not valid UTF-8"), "reason: \(reason)")
        #expect(reason.contains("\(bytes.count) bytes"), "reason: \(reason)")
        let text = error.description
        #expect(text.contains("'events'") && text.contains("partition 7") && text.contains("offset 1234"), "\(text)")
    }

    @Test func utf8NeverReplacesInvalidBytes() {
        // A lenient decoder would turn these into U+FFFD and lose them silently.
        for bytes in invalidUTF8 {
            #expect(throws: (any Error).self) { try KafkaDeserializer<String>.utf8.decode(bytes) }
        }
    }

    @Test func utf8ShowsALimitedPreviewOfTheBytes() throws {
        let long = [UInt8](repeating: 0xFF, count: 1000)
        let error = try #require(throws: KafkaError.self) { try message(value: long).value(as: .utf8) }
        let text = error.description
        #expect(text.contains("1000 bytes"))
        #expect(text.contains("ff ff"))
        #expect(text.count < 300, "the message shows a preview, not the whole payload: \(text.count) characters")
    }

    @Test func keyDecodesOrIsNilWithoutAKey() throws {
        #expect(try message(key: Array("k-1".utf8), value: []).key(as: .utf8) == "k-1")
        #expect(try message(key: nil, value: [0xFF]).key(as: .utf8) == nil)
        #expect(try message(key: [], value: []).key(as: .utf8) == "")
    }

    @Test func anInvalidKeyNamesTheKeyAndWhereTheMessageIs() throws {
        let bad = message(topic: "users", partition: 0, offset: 9, key: [0xC3], value: Array("fine".utf8))
        let error = try #require(throws: KafkaError.self) { try bad.key(as: .utf8) }
        guard case let .deserializationFailed(topic, partition, offset, reason) = error else {
            Issue.record("expected deserializationFailed, got \(error)")
            return
        }
        #expect(topic == "users" && partition == 0 && offset == 9)
        #expect(reason.hasPrefix("key: "), "reason: \(reason)")
        #expect(try bad.value(as: .utf8) == "fine")
    }

    @Test func jsonDecodesAndEncodes() throws {
        let order = Order(id: 7, item: "pear")
        let bytes = try KafkaSerializer<Order>.json().encode(order)
        #expect(try message(value: bytes).value(as: .json(Order.self)) == order)
        let reordered = Array(#"{"item":"fig","id":1}"#.utf8)
        #expect(try message(value: reordered).value(as: .json(Order.self)) == Order(id: 1, item: "fig"))
    }

    @Test(arguments: [
        #"{"id": 1, "item": "fig""#,  // truncated
        #"{"id": "one", "item": "fig"}"#,  // wrong type
        #"{"item": "fig"}"#,  // missing field
        "",  // empty
        "not json",
    ])
    func jsonErrorsNameTheTypeAndWhereTheMessageIs(text: String) throws {
        let bad = message(topic: "orders", partition: 1, offset: 77, value: Array(text.utf8))
        let error = try #require(throws: KafkaError.self) { try bad.value(as: .json(Order.self)) }
        guard case let .deserializationFailed(topic, partition, offset, reason) = error else {
            Issue.record("expected deserializationFailed, got \(error)")
            return
        }
        #expect(topic == "orders" && partition == 1 && offset == 77)
        #expect(reason.contains("not JSON for Order"), "reason: \(reason)")
    }

    @Test func jsonNamesTheMissingField() throws {
        let bad = message(value: Array(#"{"item": "fig"}"#.utf8))
        let error = try #require(throws: KafkaError.self) { try bad.value(as: .json(Order.self)) }
        #expect(error.description.contains("id"), "\(error)")
    }

    @Test func bytesAreKeptAsTheyAre() throws {
        for bytes in invalidUTF8 + [[], Array("text".utf8)] {
            #expect(try message(value: bytes).value(as: .bytes) == bytes)
        }
        #expect(try message(key: [0x00, 0xFF], value: []).key(as: .bytes) == [0x00, 0xFF])
    }

    @Test func customDeserializerErrorsGetTheMessagePosition() throws {
        struct NotANumber: Error, CustomStringConvertible { var description: String { "not a number" } }
        let number = KafkaDeserializer<Int> { bytes in
            guard let value = Int(String(decoding: bytes, as: UTF8.self)) else { throw NotANumber() }
            return value
        }
        #expect(try message(value: Array("41".utf8)).value(as: number) == 41)
        let error = try #require(throws: KafkaError.self) {
            try message(topic: "n", partition: 2, offset: 5, value: Array("x".utf8)).value(as: number)
        }
        #expect(error.description.contains("'n'") && error.description.contains("partition 2"))
        #expect(error.description.contains("offset 5") && error.description.contains("not a number"))
    }

    @Test func utf8SerializerEncodesText() throws {
        #expect(try KafkaSerializer<String>.utf8.encode("") == [])
        #expect(try KafkaSerializer<String>.utf8.encode("café") == [0x63, 0x61, 0x66, 0xC3, 0xA9])
        let text = "round trip ✓"
        #expect(try message(value: KafkaSerializer<String>.utf8.encode(text)).value(as: .utf8) == text)
    }

    @Test func jsonSerializerReportsValuesItCannotEncode() {
        // JSON has no NaN: the serializer must throw, not write something else.
        #expect(throws: EncodingError.self) { try KafkaSerializer<Double>.json().encode(.nan) }
        #expect(throws: EncodingError.self) { try KafkaSerializer<[Double]>.json().encode([1, .infinity]) }
    }
}
