/// The single-value container of `BinaryItemDecoder`: reads the value in stream position.
/// `decodeNil()` is true only for the nil presence byte that `encodeNil()` writes; a value
/// whose first byte is 0 would read as nil, so a type that mixes `encodeNil()` and a value
/// in one single-value container should encode an `Optional` instead (which this format frames).
///
/// ```swift
/// let container = try decoder.singleValueContainer()
/// let raw = try container.decode(String.self)
/// ```
struct BinarySingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: BinaryItemDecoder
    let depth: Int

    var codingPath: [any CodingKey] { Array(decoder.path.prefix(depth)) }

    func decodeNil() -> Bool { (try? decoder.readNilMarker()) ?? false }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.readBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.readString() }
    func decode(_ type: Double.Type) throws -> Double { try .readBinary(from: decoder) }
    func decode(_ type: Float.Type) throws -> Float { try .readBinary(from: decoder) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.readSigned(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.readSigned(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.readSigned(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.readSigned(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.readSigned(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.readUnsigned(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.readUnsigned(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.readUnsigned(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.readUnsigned(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.readUnsigned(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        decoder.truncatePath(to: depth)
        return try decoder.decodeValue(T.self)
    }
}
