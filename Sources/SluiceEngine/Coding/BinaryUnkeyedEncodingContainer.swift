/// The unkeyed container of `BinaryItemEncoder`: a padded varint count, patched as
/// elements arrive, then the elements in stream position. (Arrays and dictionaries do not
/// come here: they write a plain count up front, see `BinaryWireEncodable`.)
///
/// ```swift
/// var container = encoder.unkeyedContainer()
/// try container.encode(1)
/// try container.encode("two")   // count 2, then 1, then "two"
/// ```
struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: BinaryItemEncoder
    let depth: Int
    private let countOffset: Int
    private(set) var count = 0

    init(encoder: BinaryItemEncoder, depth: Int) {
        self.encoder = encoder
        self.depth = depth
        self.countOffset = encoder.reserveCount()
    }

    var codingPath: [any CodingKey] { Array(encoder.path.prefix(depth)) }

    mutating func encodeNil() throws { nextElement(); encoder.bytes.append(BinaryWireFormat.none) }

    mutating func encode(_ value: Bool) throws { nextElement(); value.writeBinary(to: encoder) }
    mutating func encode(_ value: String) throws { nextElement(); encoder.writeString(value) }
    mutating func encode(_ value: Double) throws { nextElement(); value.writeBinary(to: encoder) }
    mutating func encode(_ value: Float) throws { nextElement(); value.writeBinary(to: encoder) }
    mutating func encode(_ value: Int) throws { nextElement(); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { nextElement(); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { nextElement(); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { nextElement(); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { nextElement(); encoder.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { nextElement(); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { nextElement(); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { nextElement(); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { nextElement(); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { nextElement(); encoder.writeVarint(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        nextElement()
        try encoder.withPath(BinaryIndexKey(index), depth: depth) { try encoder.encodeValue(value) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        enterElement()
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(encoder: encoder, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        enterElement()
        return BinaryUnkeyedEncodingContainer(encoder: encoder, depth: depth + 1)
    }

    mutating func superEncoder() -> any Encoder {
        enterElement()
        return encoder
    }

    /// Counts one more element.
    private mutating func nextElement() {
        count += 1
        encoder.patchCount(count, at: countOffset)
    }

    /// Counts an element that a nested container or encoder writes, with its index on the path.
    private mutating func enterElement() {
        let index = count
        nextElement()
        encoder.truncatePath(to: depth)
        encoder.path.append(BinaryIndexKey(index))
    }
}
