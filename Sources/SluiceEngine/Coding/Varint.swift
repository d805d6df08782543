/// LEB128 varints (7 bits a byte, low bits first, the high bit set on every
/// byte but the last): the one implementation behind the item coding
/// (`BinaryItemEncoder`/`BinaryItemDecoder`) and the wire messages
/// (`WireWriter`/`WireReader`).
///
/// ```swift
/// var bytes: [UInt8] = []
/// Varint.append(300, to: &bytes)            // [0xAC, 0x02]
/// var position = 0
/// let value = Varint.read(bytes, at: &position, end: bytes.count)   // .value(300), position 2
/// ```
package enum Varint {
    /// What reading a varint found.
    package enum Reading: Equatable {
        /// The value; the position moved past it.
        case value(UInt64)
        /// The bytes ended inside the varint.
        case truncated
        /// More than 64 bits (the byte at `position - 1` overflows).
        case tooLong
    }

    /// Appends `value` in at most 10 bytes.
    @inline(__always)
    package static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads a varint from `bytes[position..<end]`, moving `position` past
    /// what it read (also on failure).
    @inline(__always)
    package static func read(_ bytes: [UInt8], at position: inout Int, end: Int) -> Reading {
        guard position < end else { return .truncated }
        let first = bytes[position]
        position += 1
        if first < 0x80 { return .value(UInt64(first)) }
        return readTail(bytes, at: &position, end: end, low: UInt64(first & 0x7f))
    }

    private static func readTail(_ bytes: [UInt8], at position: inout Int, end: Int, low: UInt64) -> Reading {
        var result = low
        var shift: UInt64 = 7
        while true {
            guard position < end else { return .truncated }
            let byte = bytes[position]
            position += 1
            if shift == 63, byte > 1 { return .tooLong }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return .value(result) }
            shift += 7
        }
    }
}
