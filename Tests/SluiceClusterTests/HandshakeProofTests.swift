import SluiceCluster
import Testing

@Suite("Handshake proof and hello")
struct HandshakeProofTests {
    private let dialerNonce = Hello.makeNonce()
    private let listenerNonce = Hello.makeNonce()

    private func proof(_ secret: String = "s3cret", sender: Int = 1, dialer: Bool = true) -> [UInt8] {
        HandshakeProof.make(
            secret: secret, sender: ProcessID(sender), senderIsDialer: dialer, senderNonce: dialerNonce,
            receiverNonce: listenerNonce)
    }

    private func verifies(
        _ proof: [UInt8], sender: Int = 1, dialer: Bool = true, senderNonce: [UInt8]? = nil, receiverNonce: [UInt8]? = nil
    ) -> Bool {
        HandshakeProof.verify(
            proof, secret: "s3cret", sender: ProcessID(sender), senderIsDialer: dialer,
            senderNonce: senderNonce ?? dialerNonce, receiverNonce: receiverNonce ?? listenerNonce)
    }

    @Test func aProofVerifiesOnlyForItsSecretSenderRoleAndNonces() {
        #expect(verifies(proof()))
        #expect(!verifies(proof("guess")), "another secret")
        #expect(!verifies(proof(sender: 2)), "another sender id")
        #expect(!verifies(proof(dialer: false)), "reflected: the listener's proof passed off as the dialer's")
        #expect(!verifies(proof(), receiverNonce: Hello.makeNonce()), "replayed to a connection with a fresh nonce")
        #expect(!verifies(proof(), senderNonce: Hello.makeNonce()), "bound to another hello")
        #expect(!verifies(Array(proof().dropLast())), "truncated")
    }

    @Test func aHelloWithASecretCarriesOnlyWhatAuthenticationNeeds() throws {
        let hello = Hello(processID: ProcessID(3), hasSecret: true, nonce: dialerNonce)
        let bytes = hello.frame.bytes
        // Length, kind, magic, version, id, has-secret, nonce length, nonce: nothing else.
        #expect(bytes.count == 4 + 1 + 4 + 2 + 4 + 1 + 1 + Hello.nonceLength)
        #expect(try Hello(payload: hello.frame.payload, ownVersion: Hello.protocolVersion) == hello)
    }

    @Test func aHelloWithoutASecretCarriesTheDetails() throws {
        let details = HandshakeDetails(fingerprint: "flow-v1", processCount: 2, addresses: "127.0.0.1:1;127.0.0.1:2")
        let hello = Hello(processID: ProcessID(1), hasSecret: false, nonce: [], details: details)
        #expect(try Hello(payload: hello.frame.payload, ownVersion: Hello.protocolVersion) == hello)
        #expect(try HandshakeDetails(payload: details.frame.payload) == details)
    }

    @Test func aHelloOfAnotherVersionIsComparedOnItsVersionOnly() {
        let hello = Hello(version: 99, processID: ProcessID(1), hasSecret: true, nonce: dialerNonce)
        #expect(throws: HandshakeMismatch.protocolVersion(ours: Hello.protocolVersion, theirs: 99)) {
            try Hello(payload: hello.frame.payload, ownVersion: Hello.protocolVersion)
        }
        #expect(Hello.protocolVersion == 5)
    }
}
