import NIOCore

/// One message on a cluster connection. On the wire: a 4-byte big-endian
/// length (of what follows), a 1-byte kind tag, then the payload.
package struct Frame {
    /// The type tag of a frame.
    package enum Kind: UInt8, Sendable {
        /// Opens the handshake: version, fingerprint, ids, nonce (`Hello`).
        case hello = 1
        /// Proves knowledge of the secret: HMAC over the peer's nonce.
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
    }

    /// The largest length a frame may declare (64 MiB).
    package static let maxLength = 64 << 20

    package var kind: Kind
    package var payload: ByteBuffer

    package init(_ kind: Kind, payload: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.payload = payload
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

    /// A frame whose payload is UTF-8 text (`refuse`, `abort`).
    package static func text(_ kind: Kind, _ text: String) -> Frame {
        Frame(kind, payload: ByteBuffer(string: text))
    }

    /// The payload read as UTF-8 text.
    package var text: String { String(buffer: payload) }
}

/// Why bytes on a connection are not a frame.
package enum FrameDecodingError: Error, CustomStringConvertible {
    case badLength(Int)
    case unknownKind(UInt8)

    package var description: String {
        switch self {
        case let .badLength(length): return "a frame declares \(length) bytes (limit \(Frame.maxLength))"
        case let .unknownKind(tag): return "unknown frame kind \(tag)"
        }
    }
}

/// Splits the byte stream into frames.
package struct FrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = Frame

    package init() {}

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= 1, length <= Frame.maxLength else { throw FrameDecodingError.badLength(Int(length)) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let tag: UInt8 = buffer.readInteger()!
        guard let kind = Frame.Kind(rawValue: tag) else { throw FrameDecodingError.unknownKind(tag) }
        let payload = buffer.readSlice(length: Int(length) - 1)!
        context.fireChannelRead(wrapInboundOut(Frame(kind, payload: payload)))
        return .continue
    }
}
