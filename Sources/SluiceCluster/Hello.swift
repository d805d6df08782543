import Crypto
import NIOCore

/// The first frame each side sends: who it is and what it runs.
package struct Hello: Equatable {
    /// Bumped whenever the wire format changes (3: watermark progress signals).
    package static let protocolVersion = 3
    private static let magic: UInt32 = 0x534C_4331  // "SLC1"

    package var version: Int
    package var fingerprint: String
    package var processID: ProcessID
    package var processCount: Int
    /// The whole address list, `;`-separated, as this process was given it.
    package var addresses: String
    package var hasSecret: Bool
    /// Random bytes the peer must sign to prove it knows the secret.
    package var nonce: [UInt8]

    package init(
        version: Int = Hello.protocolVersion, fingerprint: String, processID: ProcessID, processCount: Int,
        addresses: String = "", hasSecret: Bool, nonce: [UInt8]
    ) {
        self.version = version
        self.fingerprint = fingerprint
        self.processID = processID
        self.processCount = processCount
        self.addresses = addresses
        self.hasSecret = hasSecret
        self.nonce = nonce
    }

    /// A fresh 32-byte nonce.
    package static func makeNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    package var frame: Frame {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(UInt16(version))
        buffer.writeInteger(UInt32(processID.rawValue))
        buffer.writeInteger(UInt32(processCount))
        buffer.writeInteger(UInt8(hasSecret ? 1 : 0))
        buffer.writeInteger(UInt8(nonce.count))
        buffer.writeBytes(nonce)
        buffer.writeInteger(UInt32(fingerprint.utf8.count))
        buffer.writeString(fingerprint)
        buffer.writeInteger(UInt32(addresses.utf8.count))
        buffer.writeString(addresses)
        return Frame(.hello, payload: buffer)
    }

    /// Reads a hello frame's payload.
    /// - Throws: `HandshakeMismatch.notASluicePeer` when it is not one.
    /// - Parameters:
    ///   - payload: The frame's payload.
    ///   - ownVersion: This process's protocol version; the peer's must match.
    package init(payload: ByteBuffer, ownVersion: Int) throws(HandshakeMismatch) {
        var buffer = payload
        guard buffer.readInteger(as: UInt32.self) == Self.magic, let version = buffer.readInteger(as: UInt16.self) else {
            throw .notASluicePeer("no Sluice hello")
        }
        guard version == ownVersion else {
            // Other versions may lay the rest out differently: compare only the version.
            throw .protocolVersion(ours: ownVersion, theirs: Int(version))
        }
        guard let id = buffer.readInteger(as: UInt32.self), let count = buffer.readInteger(as: UInt32.self),
            let secret = buffer.readInteger(as: UInt8.self), let nonceLength = buffer.readInteger(as: UInt8.self),
            let nonce = buffer.readBytes(length: Int(nonceLength)),
            let fingerprintLength = buffer.readInteger(as: UInt32.self),
            let fingerprint = buffer.readString(length: Int(fingerprintLength)),
            let addressesLength = buffer.readInteger(as: UInt32.self),
            let addresses = buffer.readString(length: Int(addressesLength))
        else { throw .notASluicePeer("truncated hello") }
        self.init(
            version: Int(version), fingerprint: fingerprint, processID: ProcessID(Int(id)),
            processCount: Int(count), addresses: addresses, hasSecret: secret == 1, nonce: nonce)
    }

    /// The proof that `sender` knows `secret`: HMAC-SHA256 over the sender's id
    /// and the receiver's nonce. The secret itself never leaves the process.
    package static func proof(secret: String, sender: ProcessID, receiverNonce: [UInt8]) -> [UInt8] {
        let message = authMessage(sender: sender, receiverNonce: receiverNonce)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// Checks a peer's proof in constant time.
    package static func verify(
        proof: [UInt8], secret: String, sender: ProcessID, receiverNonce: [UInt8]
    ) -> Bool {
        let message = authMessage(sender: sender, receiverNonce: receiverNonce)
        let key = SymmetricKey(data: Array(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: message, using: key)
    }

    private static func authMessage(sender: ProcessID, receiverNonce: [UInt8]) -> [UInt8] {
        var message = Array("sluice-cluster-auth".utf8)
        withUnsafeBytes(of: UInt32(sender.rawValue).bigEndian) { message.append(contentsOf: $0) }
        message.append(contentsOf: receiverNonce)
        return message
    }
}
