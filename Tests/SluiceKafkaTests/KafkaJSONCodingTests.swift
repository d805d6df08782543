import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// `.json` with a configured decoder and encoder, `KafkaSinkMessage` from an
/// `Encodable` value, and `KafkaDecoded` keeping headers and timestamp.
@Suite struct KafkaJSONCodingTests {
    struct Order: Codable, Sendable, Equatable {
        let id: String
        let time: Date
    }

    static let iso = #"{"id":"o-1","time":"2024-06-18T10:00:03Z"}"#

    static var isoDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    @Test func aConfiguredDecoderReadsISO8601Dates() throws {
        let order = try KafkaDeserializer.json(Order.self, decoder: Self.isoDecoder).decode(Array(Self.iso.utf8))
        #expect(order == Order(id: "o-1", time: Date(timeIntervalSince1970: 1_718_704_803)))
        // The default decoder expects seconds since 2001 and refuses the text.
        #expect(throws: KafkaDeserializationReason.self) {
            try KafkaDeserializer.json(Order.self).decode(Array(Self.iso.utf8))
        }
    }

    @Test func aConfiguredEncoderWritesWhatTheDecoderReads() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let order = Order(id: "o-1", time: Date(timeIntervalSince1970: 1_718_704_803))
        let bytes = try KafkaSerializer<Order>.json(encoder: encoder).encode(order)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.iso)

        let message = try KafkaSinkMessage(
            topic: "orders", key: "c-7", json: order, headers: [KafkaHeader(key: "h", value: [1])], encoder: encoder)
        #expect(message.topic == "orders" && message.key == Array("c-7".utf8))
        #expect(String(decoding: message.value, as: UTF8.self) == Self.iso)
        #expect(message.headers == [KafkaHeader(key: "h", value: [1])])

        let serialized = try KafkaSinkMessage(
            key: "c-7", keySerializer: .utf8, value: order, valueSerializer: .json(encoder: encoder), partition: 2)
        #expect(serialized.value == message.value && serialized.partition == 2)
    }

    @Test func decodedMessagesKeepHeadersAndTimestamp() throws {
        let headers = [KafkaHeader(key: "trace", value: Array("t-9".utf8))]
        let time = Date(timeIntervalSince1970: 1_718_704_803.5)
        let flow = Dataflow("decoded")
        let sink = TestingSink<KafkaDecoded<String, Order>>()
        let out = flow.input(
            "in",
            TestingSource([
                KafkaMessage(
                    topic: "orders", partition: 1, offset: 8, key: Array("c-7".utf8), value: Array(Self.iso.utf8),
                    headers: headers, timestamp: time)
            ])
        ).deserialize("decode", key: .utf8, value: .json(Order.self, decoder: Self.isoDecoder))
        out.decoded.output("out", sink)
        try expectRunSucceeds(flow, workers: 1)
        let decoded = try #require(sink.items.first)
        #expect(decoded.key == "c-7" && decoded.value.id == "o-1")
        #expect(decoded.headers == headers && decoded.timestamp == time)
        #expect(decoded.partition == 1 && decoded.offset == 8)
    }
}

/// `KafkaJSON`: ISO 8601 times with and without fractions read, milliseconds written.
@Suite struct KafkaJSONTests {
    struct Stamp: Codable, Equatable { let time: Date }

    @Test(arguments: [
        ("2024-06-18T10:00:03Z", 1_718_704_803.0), ("2024-06-18T10:00:03.250Z", 1_718_704_803.25),
        ("2024-06-18T12:00:03.5+02:00", 1_718_704_803.5),
    ])
    func readsTimesWithAndWithoutFractions(text: String, seconds: Double) throws {
        let stamp = try KafkaJSON.decoder().decode(Stamp.self, from: Data(#"{"time":"\#(text)"}"#.utf8))
        #expect(abs(stamp.time.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test func refusesOtherTextQuotingIt() {
        #expect {
            try KafkaJSON.decoder().decode(Stamp.self, from: Data(#"{"time":"soon"}"#.utf8))
        } throws: { "\($0)".contains("'soon' is not an ISO 8601 time") }
    }

    @Test func writesMillisecondsRoundedAndReadsThemBack() throws {
        let time = Date(timeIntervalSince1970: 1_718_668_800.425)
        #expect(KafkaJSON.format(time) == "2024-06-18T00:00:00.425Z")
        let data = try KafkaJSON.encoder().encode(Stamp(time: time))
        #expect(String(decoding: data, as: UTF8.self) == #"{"time":"2024-06-18T00:00:00.425Z"}"#)
        let back = try KafkaJSON.decoder().decode(Stamp.self, from: data)
        #expect(abs(back.time.timeIntervalSince(time)) < 0.0005)
    }
}
