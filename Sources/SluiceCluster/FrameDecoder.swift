import NIOCore

/// Why bytes on a connection are not a frame.
package enum FrameDecodingError: Error, CustomStringConvertible {
    case badLength(Int, limit: Int)
    case unknownKind(UInt8)

    package var description: String {
        switch self {
        case let .badLength(length, limit): return "a frame declares \(length) bytes (limit \(limit))"
        case let .unknownKind(tag): return "unknown frame kind \(tag)"
        }
    }
}

/// Splits the byte stream into frames, refusing any frame that declares more
/// than `limit.bytes`. The connection's handler raises the limit from the
/// small handshake limit to `Frame.maxLength` once the peer is established,
/// so a connection that has not authenticated can make this process buffer
/// only a small frame.
///
/// ```swift
/// let limit = FrameDecoder.Limit(bytes: 4096)
/// let decoder = FrameDecoder(limit: limit)
/// limit.bytes = Frame.maxLength   // once the handshake is done
/// ```
package struct FrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = Frame

    /// The largest frame the decoder accepts; shared with the connection's
    /// handler, which raises it. Touched only on the channel's event loop.
    package final class Limit {
        package var bytes: Int
        package init(bytes: Int) { self.bytes = bytes }
    }

    private let limit: Limit

    /// Creates a decoder with the given (switchable) limit; the default accepts any frame up to `Frame.maxLength`.
    package init(limit: Limit = Limit(bytes: Frame.maxLength)) { self.limit = limit }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= 1, length <= limit.bytes else { throw FrameDecodingError.badLength(Int(length), limit: limit.bytes) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let tag: UInt8 = buffer.readInteger()!
        guard let kind = Frame.Kind(rawValue: tag) else { throw FrameDecodingError.unknownKind(tag) }
        let payload = buffer.readSlice(length: Int(length) - 1)!
        context.fireChannelRead(wrapInboundOut(Frame(kind, payload: payload)))
        return .continue
    }
}
