import Foundation

/// What an exactly-once `KafkaSink` worker stores with a snapshot: the
/// messages it has not yet committed, by the epoch they belong to, with the
/// transactional id that commits them. After a crash, recovery commits the
/// segments its transaction marker does not cover yet.
struct PreparedTransaction: Equatable {
    struct Segment: Equatable {
        /// The snapshot epoch the messages were prepared at.
        var epoch: UInt64
        /// The messages, each with its topic resolved.
        var messages: [KafkaSinkMessage]
    }

    var transactionalID: String
    var segments: [Segment]

    /// The bytes stored with a snapshot (a compact binary form; see `decode`).
    func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.bytes(Self.magic)
        writer.string(transactionalID)
        writer.u32(UInt32(segments.count))
        for segment in segments {
            writer.u64(segment.epoch)
            writer.u32(UInt32(segment.messages.count))
            for message in segment.messages { writer.message(message) }
        }
        return writer.buffer
    }

    /// Decodes `encoded()` bytes.
    /// - Throws: `KafkaError.transactionFailed` when the bytes are not a prepared transaction.
    static func decode(_ bytes: [UInt8]) throws -> PreparedTransaction {
        var reader = BinaryReader(bytes)
        do {
            guard try reader.bytes(count: magic.count) == magic else { throw BinaryReader.Malformed() }
            let id = try reader.string()
            let segmentCount = try reader.u32()
            var segments: [Segment] = []
            for _ in 0..<segmentCount {
                let epoch = try reader.u64()
                let messageCount = try reader.u32()
                var messages: [KafkaSinkMessage] = []
                messages.reserveCapacity(Int(messageCount))
                for _ in 0..<messageCount { messages.append(try reader.message()) }
                segments.append(Segment(epoch: epoch, messages: messages))
            }
            guard reader.isAtEnd else { throw BinaryReader.Malformed() }
            return PreparedTransaction(transactionalID: id, segments: segments)
        } catch {
            throw KafkaError.transactionFailed(
                transactionalID: "?", epoch: nil, reason: "a stored prepared transaction does not decode (\(bytes.count) bytes)")
        }
    }

    /// "SKT" and format 1.
    private static let magic: [UInt8] = [0x53, 0x4B, 0x54, 0x01]
}

/// Appends little-endian integers and length-prefixed bytes.
private struct BinaryWriter {
    var buffer: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// A length-prefixed byte string; nil is the length 0xFFFF_FFFF.
    mutating func optionalBytes(_ bytes: [UInt8]?) {
        guard let bytes else { return u32(.max) }
        u32(UInt32(bytes.count))
        buffer.append(contentsOf: bytes)
    }

    mutating func string(_ string: String) { optionalBytes(Array(string.utf8)) }

    mutating func message(_ message: KafkaSinkMessage) {
        string(message.topic ?? "")
        u32(message.partition.map { UInt32(bitPattern: $0) } ?? .max)
        optionalBytes(message.key)
        optionalBytes(message.value)
        if let timestamp = message.timestamp {
            buffer.append(1)
            i64(Int64((timestamp.timeIntervalSince1970 * 1000).rounded()))
        } else {
            buffer.append(0)
        }
        u32(UInt32(message.headers.count))
        for header in message.headers {
            string(header.key)
            optionalBytes(header.value)
        }
    }
}

/// Reads what `BinaryWriter` wrote; throws `Malformed` past the end.
private struct BinaryReader {
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func bytes(count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - position >= count else { throw Malformed() }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func u32() throws -> UInt32 {
        try bytes(count: 4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws -> UInt64 {
        try bytes(count: 8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func optionalBytes() throws -> [UInt8]? {
        let count = try u32()
        return count == .max ? nil : try bytes(count: Int(count))
    }

    mutating func string() throws -> String {
        guard let raw = try optionalBytes(), let string = String(validating: raw, as: UTF8.self) else { throw Malformed() }
        return string
    }

    mutating func message() throws -> KafkaSinkMessage {
        let topic = try string()
        let partition = try u32()
        let key = try optionalBytes()
        guard let value = try optionalBytes() else { throw Malformed() }
        let hasTimestamp = try bytes(count: 1)[0] == 1
        let timestamp = hasTimestamp ? Date(timeIntervalSince1970: Double(Int64(bitPattern: try u64())) / 1000) : nil
        let headerCount = try u32()
        var headers: [KafkaHeader] = []
        for _ in 0..<headerCount { headers.append(KafkaHeader(key: try string(), value: try optionalBytes())) }
        var message = KafkaSinkMessage(key: key, value: value)
        message.topic = topic.isEmpty ? nil : topic
        message.partition = partition == .max ? nil : Int32(bitPattern: partition)
        message.timestamp = timestamp
        message.headers = headers
        return message
    }
}
