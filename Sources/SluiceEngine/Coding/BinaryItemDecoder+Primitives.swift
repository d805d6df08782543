/// The scalar readers of `BinaryItemDecoder`: each checks the bytes left before reading and
/// the value's range after, and throws `DecodingError.dataCorrupted` otherwise.
///
/// ```swift
/// let count = try decoder.readCount()
/// let name = try decoder.readString()
/// ```
extension BinaryItemDecoder {
    /// Moves past `count` bytes that were checked to be there.
    @inline(__always)
    func advance(by count: Int) { position += count }

    /// Reads one byte.
    @inline(__always)
    func readByte() throws -> UInt8 {
        guard position < end else { throw truncated("a byte", needs: 1) }
        let byte = bytes[position]
        advance(by: 1)
        return byte
    }

    /// Reads a LEB128 varint of at most 64 bits (`Varint`).
    @inline(__always)
    func readVarint() throws -> UInt64 {
        let start = position
        switch Varint.read(bytes, at: &position, end: end) {
        case .value(let value): return value
        case .truncated:
            position = start
            throw truncated("a varint", needs: remaining + 1)
        case .tooLong: throw corrupt("varint longer than 64 bits", at: position - 1)
        }
    }

    /// Reads a zigzag varint into `I`, which must hold it.
    func readSigned<I: FixedWidthInteger & SignedInteger>(_ type: I.Type) throws -> I {
        let raw = try readVarint()
        let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        guard let result = I(exactly: value) else { throw corrupt("\(value) does not fit \(I.self)") }
        return result
    }

    /// Reads a varint into `I`, which must hold it.
    func readUnsigned<I: FixedWidthInteger & UnsignedInteger>(_ type: I.Type) throws -> I {
        let value = try readVarint()
        guard let result = I(exactly: value) else { throw corrupt("\(value) does not fit \(I.self)") }
        return result
    }

    /// Reads `I`'s raw little-endian bytes (float bits).
    func readFixed<I: FixedWidthInteger & UnsignedInteger>(_ type: I.Type) throws -> I {
        let size = MemoryLayout<I>.size
        guard remaining >= size else { throw truncated("\(size * 8)-bit float", needs: size) }
        var value: I = 0
        for index in 0..<size { value |= I(bytes[position + index]) << (8 * index) }
        advance(by: size)
        return value
    }

    /// Reads a Bool byte (0 or 1).
    func readBool() throws -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        case let other: throw corrupt("Bool byte \(other) (expected 0 or 1)", at: position - 1)
        }
    }

    /// Reads a length-prefixed UTF-8 string.
    func readString() throws -> String {
        let length = try readLength()
        let start = position
        let string = bytes.withUnsafeBufferPointer { buffer -> String? in
            let utf8 = UnsafeBufferPointer(rebasing: buffer[start..<(start + length)])
            // ASCII is valid UTF-8, and `String(decoding:)` is specialized where the generic
            // `String(validating:)` looks up metadata on every call (a third of decoding a short key).
            if utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: utf8, as: UTF8.self) }
            return String(validating: utf8, as: UTF8.self)
        }
        guard let string else { throw corrupt("a string of \(length) bytes that is not valid UTF-8", at: start) }
        advance(by: length)
        return string
    }

    /// Reads a length-prefixed run of bytes.
    func readByteSlice() throws -> ArraySlice<UInt8> {
        let length = try readLength()
        let start = position
        advance(by: length)
        return bytes[start..<position]
    }

    /// Reads a byte length, which must not exceed the bytes left.
    @inline(__always)
    private func readLength() throws -> Int {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw truncated("\(length) bytes", needs: length > UInt64(Int.max) ? .max : Int(length))
        }
        return Int(length)
    }

    /// Reads an element count, which must be plausible for the bytes left.
    func readCount() throws -> Int {
        let start = position
        let count = try readVarint()
        guard count <= UInt64(remaining + BinaryWireFormat.zeroSizeElementAllowance) else {
            throw corrupt("element count \(count) exceeds the \(remaining) bytes left", at: start)
        }
        return Int(count)
    }

    /// How many elements to reserve room for: never more than bytes are left.
    func reservation(for count: Int) -> Int { min(count, remaining) }

    /// Reads a presence byte if it says nil (`encodeNil()` in stream position); else reads nothing.
    func readNilMarker() throws -> Bool {
        guard position < end else { throw truncated("a nil marker", needs: 1) }
        guard bytes[position] == BinaryWireFormat.none else { return false }
        advance(by: 1)
        return true
    }
}
