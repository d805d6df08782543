import NIOCore
import SluiceCluster
import SluiceEngine
import SluiceTestSupport
import Testing

/// The handshake frames pinned to their bytes: a change here means old and
/// new builds cannot shake hands. Bump `WireProtocol.version` (the mismatch
/// is then named at the handshake) and update these bytes.
@Suite struct HelloGoldenTests {
    static let dialerNonce = [UInt8](repeating: 0x11, count: 32)
    static let listenerNonce = [UInt8](repeating: 0x22, count: 32)

    static func bump(_ what: String) -> Comment {
        "this changes the handshake (\(what)): bump WireProtocol.version (now \(WireProtocol.version)) and update the goldens"
    }

    @Test func theVersionIsTheWireProtocols() {
        #expect(Hello.protocolVersion == WireProtocol.version)
        #expect(WireProtocol.version == 5, "a new version: update the handshake goldens below with it")
    }

    @Test func aHelloWithASecretHasItsBytes() throws {
        let hello = Hello(processID: ProcessID(3), hasSecret: true, nonce: Self.dialerNonce)
        // Length 45, kind 1, magic "SLC1", version 5, id 3, has-secret, nonce length 32, nonce.
        let expected = "00 00 00 2d 01 53 4c 43 31 00 05 00 00 00 03 01 20 " + hex(Self.dialerNonce)
        #expect(hex(hello.frame.bytes) == expected, Self.bump("hello with a secret"))
        #expect(try Hello(payload: hello.frame.payload, ownVersion: WireProtocol.version) == hello)
    }

    @Test func aHelloWithoutASecretCarriesTheDetails() throws {
        let details = HandshakeDetails(fingerprint: "f", processCount: 2, addresses: "a;b")
        let hello = Hello(processID: ProcessID(0), hasSecret: false, nonce: Self.listenerNonce, details: details)
        // The hello as above (id 0, no secret), then count 2, "f", "a;b" with 32-bit lengths.
        let expected = "00 00 00 3d 01 53 4c 43 31 00 05 00 00 00 00 00 20 " + hex(Self.listenerNonce)
            + " 00 00 00 02 00 00 00 01 66 00 00 00 03 61 3b 62"
        #expect(hex(hello.frame.bytes) == expected, Self.bump("hello without a secret"))
        #expect(try Hello(payload: hello.frame.payload, ownVersion: WireProtocol.version) == hello)
        #expect(hex(details.frame.bytes) == "00 00 00 11 09 00 00 00 02 00 00 00 01 66 00 00 00 03 61 3b 62", Self.bump("details"))
    }

    @Test func aProofIsHMACSHA256OfRoleIDAndBothNonces() {
        // Checked against Python's hmac module over "sluice-cluster-auth-v4", role 1 (dialer),
        // id 3 (32-bit big-endian), then each nonce after its length byte.
        let proof = HandshakeProof.make(
            secret: "s3cret", sender: ProcessID(3), senderIsDialer: true, senderNonce: Self.dialerNonce,
            receiverNonce: Self.listenerNonce)
        #expect(hex(proof).replacingOccurrences(of: " ", with: "")
            == "9e90e97dffa10995eb89bdb259424147bafa605e3c83853ab4179530920f91c6", Self.bump("proof"))
    }

    @Test func everyFrameKindKeepsItsTag() {
        let tags: [(Frame.Kind, UInt8)] = [
            (.hello, 1), (.auth, 2), (.accept, 3), (.refuse, 4), (.data, 5), (.heartbeat, 6), (.goodbye, 7), (.abort, 8),
            (.details, 9),
        ]
        for (kind, tag) in tags { #expect(kind.rawValue == tag, Self.bump("frame kind \(kind)")) }
        #expect(hex(Frame.text(.refuse, "no").bytes) == "00 00 00 03 04 6e 6f", Self.bump("text frame"))
    }
}
