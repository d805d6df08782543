import NIOCore

/// What two processes must agree on besides the protocol version: the
/// dataflow fingerprint, the process count and the address list. With a
/// secret they travel in a `details` frame only after both sides proved the
/// secret; without one, inside the hello.
///
/// ```swift
/// let details = HandshakeDetails(fingerprint: "word_count/9 steps/2 workers/5f3a", processCount: 2,
///                                addresses: "127.0.0.1:7101;127.0.0.1:7102")
/// let frame = details.frame
/// ```
package struct HandshakeDetails: Equatable {
    /// A string every process must give identically (the dataflow's shape).
    package var fingerprint: String
    package var processCount: Int
    /// The whole address list, `;`-separated, as this process was given it.
    package var addresses: String

    package init(fingerprint: String, processCount: Int, addresses: String) {
        self.fingerprint = fingerprint
        self.processCount = processCount
        self.addresses = addresses
    }

    /// The `details` frame (with a secret, sent after both proofs).
    package var frame: Frame {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return Frame(.details, payload: buffer)
    }

    /// Reads a `details` frame's payload.
    /// - Throws: `HandshakeMismatch.notASluicePeer` when it is malformed.
    package init(payload: ByteBuffer) throws(HandshakeMismatch) {
        var buffer = payload
        try self.init(reading: &buffer)
        guard buffer.readableBytes == 0 else { throw .notASluicePeer("details with \(buffer.readableBytes) bytes too many") }
    }

    /// Appends the fields: process count (UInt32), then fingerprint and
    /// addresses, each as a UInt32 length and UTF-8.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(processCount))
        buffer.writeInteger(UInt32(fingerprint.utf8.count))
        buffer.writeString(fingerprint)
        buffer.writeInteger(UInt32(addresses.utf8.count))
        buffer.writeString(addresses)
    }

    /// Reads the fields `write(into:)` wrote.
    init(reading buffer: inout ByteBuffer) throws(HandshakeMismatch) {
        guard let count = buffer.readInteger(as: UInt32.self),
            let fingerprintLength = buffer.readInteger(as: UInt32.self),
            let fingerprint = buffer.readString(length: Int(fingerprintLength)),
            let addressesLength = buffer.readInteger(as: UInt32.self),
            let addresses = buffer.readString(length: Int(addressesLength))
        else { throw .notASluicePeer("truncated handshake details") }
        self.init(fingerprint: fingerprint, processCount: Int(count), addresses: addresses)
    }
}
