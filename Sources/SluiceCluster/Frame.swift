import NIOCore

/// One message on a cluster connection. On the wire: a 4-byte big-endian
/// length (of what follows), a 1-byte kind tag, then the payload.
package struct Frame {
    /// The type tag of a frame.
    package enum Kind: UInt8, Sendable {
        /// Opens the handshake: version, id, nonce, and without a secret the details (`Hello`).
        case hello = 1
        /// Proves knowledge of the secret: HMAC over role, id and both nonces (`HandshakeProof`).
        case auth = 2
        /// The sender accepted the peer; the connection is up once both did.
        case accept = 3
        /// The sender refused the peer; the payload says why (UTF-8).
        case refuse = 4
        /// Application bytes.
        case data = 5
        /// Keeps an idle connection alive; empty.
        case heartbeat = 6
        /// The sender shuts down cleanly; empty.
        case goodbye = 7
        /// The sender stops because of a failure; the payload says which (UTF-8).
        case abort = 8
        /// With a secret, after both proofs: fingerprint, process count, addresses (`HandshakeDetails`).
        case details = 9
    }

    /// The largest length a frame may declare (64 MiB).
    package static let maxLength = 64 << 20

    package var kind: Kind
    package var payload: ByteBuffer

    package init(_ kind: Kind, payload: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.payload = payload
    }

    /// A frame with the given payload bytes.
    package init(_ kind: Kind, bytes: [UInt8]) {
        self.init(kind, payload: ByteBuffer(bytes: bytes))
    }

    /// Writes the frame (header and payload) into a new buffer.
    /// - Parameter allocator: The channel's allocator.
    /// - Returns: The bytes to write.
    package func encoded(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 5 + payload.readableBytes)
        buffer.writeInteger(UInt32(1 + payload.readableBytes))
        buffer.writeInteger(kind.rawValue)
        var body = payload
        buffer.writeBuffer(&body)
        return buffer
    }

    /// The frame's bytes as written on the wire (tests build attacks from them).
    package var bytes: [UInt8] { Array(encoded(allocator: ByteBufferAllocator()).readableBytesView) }

    /// A frame whose payload is UTF-8 text (`refuse`, `abort`).
    package static func text(_ kind: Kind, _ text: String) -> Frame {
        Frame(kind, payload: ByteBuffer(string: text))
    }

    /// The payload read as UTF-8 text.
    package var text: String { String(buffer: payload) }
}
