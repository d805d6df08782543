/// The single-value container of `BinaryItemEncoder`: the value in stream position, with
/// no framing of its own (`encodeNil()` writes the nil presence byte).
///
/// ```swift
/// var container = encoder.singleValueContainer()
/// try container.encode(rawValue)
/// ```
struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: BinaryItemEncoder
    let depth: Int

    var codingPath: [any CodingKey] { Array(encoder.path.prefix(depth)) }

    mutating func encodeNil() throws { encoder.bytes.append(BinaryWireFormat.none) }

    mutating func encode(_ value: Bool) throws { value.writeBinary(to: encoder) }
    mutating func encode(_ value: String) throws { encoder.writeString(value) }
    mutating func encode(_ value: Double) throws { value.writeBinary(to: encoder) }
    mutating func encode(_ value: Float) throws { value.writeBinary(to: encoder) }
    mutating func encode(_ value: Int) throws { encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { encoder.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.writeVarint(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.truncatePath(to: depth)
        try encoder.encodeValue(value)
    }
}
