/// The keyed container of `BinaryItemEncoder`: each field, in encode order, is a key tag
/// (the interned key and whether a value, nil or nothing follows) and then its value.
///
/// ```swift
/// var container = encoder.container(keyedBy: CodingKeys.self)
/// try container.encode(id, forKey: .id)                // tag(id) + varint
/// try container.encodeIfPresent(note, forKey: .note)   // tag(note, absent) when nil
/// ```
struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: BinaryItemEncoder
    /// How many keys of the encoder's path lead here.
    let depth: Int

    var codingPath: [any CodingKey] { Array(encoder.path.prefix(depth)) }

    mutating func encodeNil(forKey key: Key) throws { encoder.writeTag(key, .null) }

    mutating func encode(_ value: Bool, forKey key: Key) throws { field(key); value.writeBinary(to: encoder) }
    mutating func encode(_ value: String, forKey key: Key) throws { field(key); encoder.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { field(key); value.writeBinary(to: encoder) }
    mutating func encode(_ value: Float, forKey key: Key) throws { field(key); value.writeBinary(to: encoder) }
    mutating func encode(_ value: Int, forKey key: Key) throws { field(key); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { field(key); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { field(key); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { field(key); encoder.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { field(key); encoder.writeSigned(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { field(key); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { field(key); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { field(key); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { field(key); encoder.writeVarint(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { field(key); encoder.writeVarint(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.encodeField(value, forKey: key, depth: depth)
    }

    // `encodeIfPresent` of nil writes an absent tag, so the decoder sees the field was left out.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        enter(key)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(encoder: encoder, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        enter(key)
        return BinaryUnkeyedEncodingContainer(encoder: encoder, depth: depth + 1)
    }

    mutating func superEncoder() -> any Encoder { enterSuper(BinarySuperKey.super) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { enterSuper(key) }

    // MARK: - Helpers

    /// Writes a value tag for a scalar field.
    @inline(__always)
    private func field(_ key: Key) { encoder.writeTag(key, .value) }

    private func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else { return encoder.writeTag(key, .absent) }
        try encoder.encodeField(value, forKey: key, depth: depth)
    }

    /// Writes a value tag and leaves `key` on the path for a nested container.
    private func enter(_ key: some CodingKey) {
        encoder.writeTag(key, .value)
        encoder.truncatePath(to: depth)
        encoder.path.append(key)
    }

    /// The encoder itself, positioned after a value tag: the superclass writes in line.
    private func enterSuper(_ key: some CodingKey) -> any Encoder {
        enter(key)
        return encoder
    }
}
