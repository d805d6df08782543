/// The little-endian encoding of backup archives: fixed-width integers,
/// length-prefixed strings and byte arrays. The reader checks every length
/// against what is left, so a truncated object is an error, never a crash.
///
/// ```swift
/// var writer = ArchiveWriter()
/// writer.int64(7); writer.string("meta")
/// var reader = ArchiveReader(writer.bytes)
/// try reader.int64()   // 7
/// ```
struct ArchiveWriter {
    /// What was written.
    private(set) var bytes: [UInt8] = []

    mutating func uint8(_ value: UInt8) { bytes.append(value) }

    mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func data(_ value: [UInt8]) {
        uint32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) { data(Array(value.utf8)) }
}

/// Reads what ``ArchiveWriter`` wrote.
struct ArchiveReader {
    /// Why the bytes do not decode.
    struct Truncated: Error, CustomStringConvertible {
        let offset: Int
        let wanted: Int
        var description: String { "it ends at byte \(offset) where \(wanted) more bytes were expected" }
    }

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// True when every byte was read.
    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else { throw Truncated(offset: bytes.count, wanted: count) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func uint8() throws -> UInt8 { try take(1).first! }

    mutating func uint32() throws -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func int64() throws -> Int64 {
        Int64(bitPattern: try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    mutating func data() throws -> [UInt8] { Array(try take(Int(try uint32()))) }

    mutating func string() throws -> String { String(decoding: try data(), as: UTF8.self) }
}
