import Foundation
import SluiceEngine
import SluiceTestSupport
import Testing

/// Every kind of engine message pinned to its bytes. A failure here means a
/// change reached the wire format: processes of the old and the new build
/// would misread each other. Bump `WireProtocol.version` (the handshake then
/// refuses mixed clusters, naming both versions), update these bytes, and add
/// the new version's digest below.
@Suite struct WireMessageGoldenTests {
    /// Hex of the messages below, per protocol version; a new version adds a line.
    static let digests: [Int: String] = [4: "76251958cdc63ed4", 5: "76251958cdc63ed4"]

    static let watermarkTime = Date(timeIntervalSinceReferenceDate: 1.5)  // bits 0x3FF8000000000000

    /// (what, message, its bytes) for every kind and every progress signal.
    static let goldens: [(String, WireMessage, String)] = [
        ("progress barrier", .progress(exchange: 3, from: 5, signal: .barrier(Epoch(42))), "02 03 05 00 2a"),
        ("progress end", .progress(exchange: 0, from: 1, signal: .end), "02 00 01 01"),
        ("progress suspend", .progress(exchange: 0, from: 1, signal: .suspend), "02 00 01 03"),
        (
            "progress watermark", .progress(exchange: 1, from: 0, signal: .watermark(Watermark(time: watermarkTime, idle: true))),
            "02 01 00 02 80 80 80 80 80 80 80 fc 3f 01"
        ),
        ("written", .written(worker: 2, epoch: Epoch(300), ended: true), "03 02 ac 02 01"),
        ("busy", .busy(worker: 1, busy: true), "04 01 01"),
        ("sync", .sync(step: 5, payload: [0xAA, 0xBB]), "05 05 aa bb"),
        ("stop", .stop(process: 1, draining: true), "06 01 01"),
    ]


    static func bumpMessage(_ what: String) -> Comment {
        "this changes the wire format (\(what)): bump WireProtocol.version (now \(WireProtocol.version)) and update the goldens"
    }

    @Test func everyMessageKindHasItsBytes() throws {
        for (what, message, bytes) in Self.goldens {
            #expect(hex(message.encoded()) == bytes, Self.bumpMessage(what))
            #expect(try WireMessage.decode(message.encoded()) == message, "\(what) does not decode to itself")
        }
    }

    @Test func aBatchHeaderHasItsBytes() throws {
        let header = WireMessage.batchHeader(exchange: 2, from: 1, to: 3, count: 300)
        #expect(hex(header) == "01 02 01 03 ac 02", Self.bumpMessage("batch header"))
        let message = try WireMessage.decode(header + [0xEE])
        #expect(message == .batch(exchange: 2, from: 1, to: 3, count: 300, bytes: header + [0xEE], payloadStart: 6))
    }

    /// Updating the goldens without a new version fails here.
    @Test func theGoldensBelongToTheCurrentVersion() {
        let all = Self.goldens.map(\.2).joined(separator: "|")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in all.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let digest = String(hash, radix: 16)
        #expect(
            Self.digests[WireProtocol.version] == digest,
            "the goldens changed (digest \(digest)) but WireProtocol.version is still \(WireProtocol.version): bump it and add its digest")
    }

    @Test(arguments: [
        ([UInt8](), "message truncated at byte 0"),
        ([0x02, 0x00], "message truncated at byte 2"),
        ([0x03, 0x80], "message truncated at byte 2"),
        ([0x03, 0x01] + [UInt8](repeating: 0xFF, count: 9) + [0x02], "varint too long at byte 11"),
        ([0x09], "unknown message kind 9"),
    ])
    func malformedMessagesAreRefusedNamingTheByte(bytes: [UInt8], message: String) {
        let error = #expect(throws: WireError.self) { try WireMessage.decode(bytes) }
        #expect(error?.description == message)
    }
}
