import Foundation
import SluiceTestSupport
import Testing

@testable import SluiceKafka

/// What an exactly-once Kafka sink stores with a snapshot, pinned to its
/// bytes: a store written now must roll forward in every later version. A
/// failure means the stored format changed: keep decoding the old bytes
/// (the magic's last byte is the format) and bump it.
@Suite struct PreparedTransactionGoldenTests {
    static let full = KafkaSinkMessage(
        topic: "out", key: "k", value: "v", headers: [KafkaHeader(key: "h", value: nil)], partition: 1,
        timestamp: Date(timeIntervalSince1970: 1))
    static let bare = KafkaSinkMessage(key: nil as [UInt8]?, value: [])
    static let prepared = PreparedTransaction(
        transactionalID: "t", segments: [.init(epoch: 2, messages: [full]), .init(epoch: 3, messages: [bare])])

    static let golden = [
        "53 4b 54 01",  // "SKT", format 1
        "01 00 00 00 74",  // transactional id "t" (u32 little-endian length, UTF-8)
        "02 00 00 00",  // two segments
        "02 00 00 00 00 00 00 00 01 00 00 00",  // epoch 2, one message
        "03 00 00 00 6f 75 74 01 00 00 00",  // topic "out", partition 1
        "01 00 00 00 6b 01 00 00 00 76",  // key "k", value "v"
        "01 e8 03 00 00 00 00 00 00",  // a timestamp: 1,000 ms
        "01 00 00 00 01 00 00 00 68 ff ff ff ff",  // one header "h" without a value
        "03 00 00 00 00 00 00 00 01 00 00 00",  // epoch 3, one message
        "00 00 00 00 ff ff ff ff ff ff ff ff 00 00 00 00",  // no topic, partition or key; an empty value
        "00 00 00 00 00",  // no timestamp, no headers
    ].joined(separator: " ")


    @Test func aPreparedTransactionHasItsBytes() throws {
        #expect(
            hex(Self.prepared.encoded()) == Self.golden,
            "this changes the stored prepared transactions: keep decoding format 1 and bump the magic's format byte")
        let bytes = Self.golden.split(separator: " ").map { UInt8($0, radix: 16)! }
        #expect(try PreparedTransaction.decode(bytes) == Self.prepared, "format 1 bytes no longer decode")
    }

    @Test func aTruncatedOrForeignRecordIsRefused() {
        let bytes = Self.prepared.encoded()
        #expect(throws: KafkaError.self) { try PreparedTransaction.decode(Array(bytes.dropLast())) }
        #expect(throws: KafkaError.self) { try PreparedTransaction.decode([0x53, 0x4b, 0x54, 0x02] + bytes.dropFirst(4)) }
    }
}
