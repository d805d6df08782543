import NIOCore
import SluiceEngine

/// The first frame each side sends. With a secret it carries only what
/// authentication needs (who the sender is, a fresh nonce); the details
/// follow in a `details` frame once both proofs were verified. Without a
/// secret there is nothing to protect and the hello carries the details too.
///
/// ```swift
/// let hello = Hello(processID: ProcessID(1), hasSecret: true, nonce: Hello.makeNonce())
/// let frame = hello.frame   // magic, version, id, has-secret, nonce
/// ```
package struct Hello: Equatable {
    /// The wire protocol's version (`WireProtocol.version`, with its history).
    package static let protocolVersion = WireProtocol.version
    /// The length of every nonce (bytes).
    package static let nonceLength = 32
    private static let magic: UInt32 = 0x534C_4331  // "SLC1"

    package var version: Int
    package var processID: ProcessID
    package var hasSecret: Bool
    /// Random bytes, fresh per connection, that both proofs are bound to.
    package var nonce: [UInt8]
    /// Fingerprint, process count and addresses: present exactly when the sender has no secret.
    package var details: HandshakeDetails?

    package init(
        version: Int = Hello.protocolVersion, processID: ProcessID, hasSecret: Bool, nonce: [UInt8],
        details: HandshakeDetails? = nil
    ) {
        self.version = version
        self.processID = processID
        self.hasSecret = hasSecret
        self.nonce = nonce
        self.details = details
    }

    /// A fresh nonce from the system's cryptographic random source.
    package static func makeNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    package var frame: Frame {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(UInt16(version))
        buffer.writeInteger(UInt32(processID.rawValue))
        buffer.writeInteger(UInt8(hasSecret ? 1 : 0))
        buffer.writeInteger(UInt8(nonce.count))
        buffer.writeBytes(nonce)
        if !hasSecret, let details { details.write(into: &buffer) }
        return Frame(.hello, payload: buffer)
    }

    /// Reads a hello frame's payload.
    /// - Throws: `HandshakeMismatch.protocolVersion` for another version,
    ///   `.notASluicePeer` when it is not a hello at all.
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
        guard let id = buffer.readInteger(as: UInt32.self), let secret = buffer.readInteger(as: UInt8.self),
            secret <= 1, let nonceLength = buffer.readInteger(as: UInt8.self),
            let nonce = buffer.readBytes(length: Int(nonceLength))
        else { throw .notASluicePeer("truncated hello") }
        var details: HandshakeDetails?
        if secret == 0 { details = try HandshakeDetails(reading: &buffer) }
        guard buffer.readableBytes == 0 else { throw .notASluicePeer("a hello with \(buffer.readableBytes) bytes too many") }
        self.init(
            version: Int(version), processID: ProcessID(Int(id)), hasSecret: secret == 1, nonce: nonce, details: details)
    }
}
