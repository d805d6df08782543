import Foundation
import SluiceKafka
import Testing

/// `KafkaSinkMessage`'s two initializers: text is stored as its UTF-8 bytes,
/// and everything not given is left for the sink and producer to decide.
@Suite struct KafkaSinkMessageTests {
    @Test func textInitStoresUTF8Bytes() {
        let message = KafkaSinkMessage(key: "clé", value: "värde")
        #expect(message.key == Array("clé".utf8))
        #expect(message.value == Array("värde".utf8))
        #expect(message.topic == nil)
        #expect(message.partition == nil)
        #expect(message.headers.isEmpty)
        #expect(message.timestamp == nil)
    }

    @Test func textInitWithoutKeyHasNoKey() {
        let message = KafkaSinkMessage(key: nil as String?, value: "")
        #expect(message.key == nil)
        #expect(message.value == [])
        // An empty key is a key, not a missing one.
        #expect(KafkaSinkMessage(key: "", value: "v").key == [])
    }

    @Test func bytesInitKeepsBytesAsTheyAre() {
        let bytes: [UInt8] = [0x00, 0xFF, 0xC0, 0x80]
        let message = KafkaSinkMessage(key: [0xFE], value: bytes)
        #expect(message.key == [0xFE])
        #expect(message.value == bytes)
        #expect(KafkaSinkMessage(key: nil as [UInt8]?, value: []).key == nil)
    }

    @Test func bothInitsCarryEveryField() {
        let time = Date(timeIntervalSince1970: 1_700_000_000.25)
        let headers = [KafkaHeader(key: "trace", value: Array("abc".utf8)), KafkaHeader(key: "null", value: nil)]
        let text = KafkaSinkMessage(topic: "audit", key: "k", value: "v", headers: headers, partition: 2, timestamp: time)
        let bytes = KafkaSinkMessage(
            topic: "audit", key: Array("k".utf8), value: Array("v".utf8), headers: headers, partition: 2, timestamp: time)
        #expect(text == bytes)
        #expect(text.topic == "audit")
        #expect(text.partition == 2)
        #expect(text.headers == headers)
        #expect(text.timestamp == time)
        #expect(Set([text, bytes]).count == 1)
    }

    @Test func messagesDifferingInOneFieldDiffer() {
        let base = KafkaSinkMessage(key: "k", value: "v")
        #expect(base != KafkaSinkMessage(topic: "t", key: "k", value: "v"))
        #expect(base != KafkaSinkMessage(key: "k", value: "v", partition: 0))
        #expect(base != KafkaSinkMessage(key: nil as String?, value: "v"))
        #expect(base != KafkaSinkMessage(key: "k", value: "w"))
    }
}
