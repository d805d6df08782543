/// The keyed container of `BinaryItemDecoder`. Fields are read in the order they were
/// written: each read checks that the next key tag names the requested key, so another
/// order or another schema fails with `DecodingError.keyNotFound` naming both keys.
/// `allKeys` lists only the next field (enough for synthesized enums; dictionaries do not
/// come here, see `BinaryWireDecodable`).
///
/// ```swift
/// let container = try decoder.container(keyedBy: CodingKeys.self)
/// let id = try container.decode(Int.self, forKey: .id)
/// let note = try container.decodeIfPresent(String.self, forKey: .note)
/// ```
struct BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: BinaryItemDecoder
    /// How many keys of the decoder's path lead here.
    let depth: Int

    var codingPath: [any CodingKey] { Array(decoder.path.prefix(depth)) }

    var allKeys: [Key] {
        guard let tag = try? decoder.peekTag(), tag.state != .absent, let key = Key(stringValue: tag.name) else { return [] }
        return [key]
    }

    func contains(_ key: Key) -> Bool {
        guard let tag = try? decoder.peekTag(), tag.name == key.stringValue else { return false }
        guard tag.state != .absent else {
            decoder.consume(tag)
            return false
        }
        return true
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let tag = try decoder.peekTag() else { _ = try decoder.readTag(key, depth: depth); return true }
        guard tag.name == key.stringValue else { throw decoder.mismatch(key, found: tag.name, depth: depth) }
        guard tag.state != .value else { return false }
        decoder.consume(tag)
        return true
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(key) { try decoder.readBool() } }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(key) { try decoder.readString() } }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(key) { try .readBinary(from: decoder) } }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(key) { try .readBinary(from: decoder) } }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(key) { try decoder.readSigned(Int.self) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(key) { try decoder.readSigned(Int8.self) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(key) { try decoder.readSigned(Int16.self) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(key) { try decoder.readSigned(Int32.self) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(key) { try decoder.readSigned(Int64.self) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(key) { try decoder.readUnsigned(UInt.self) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(key) { try decoder.readUnsigned(UInt8.self) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(key) { try decoder.readUnsigned(UInt16.self) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(key) { try decoder.readUnsigned(UInt32.self) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(key) { try decoder.readUnsigned(UInt64.self) } }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let state = try decoder.readTag(key, depth: depth)
        return try decoder.decodeField(T.self, state: state, forKey: key, depth: depth)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key) { try decoder.readBool() } }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key) { try decoder.readString() } }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key) { try .readBinary(from: decoder) } }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try present(key) { try .readBinary(from: decoder) } }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key) { try decoder.readSigned(Int.self) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try present(key) { try decoder.readSigned(Int8.self) } }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try present(key) { try decoder.readSigned(Int16.self) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try present(key) { try decoder.readSigned(Int32.self) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key) { try decoder.readSigned(Int64.self) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try present(key) { try decoder.readUnsigned(UInt.self) } }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try present(key) { try decoder.readUnsigned(UInt8.self) } }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try present(key) { try decoder.readUnsigned(UInt16.self) } }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try present(key) { try decoder.readUnsigned(UInt32.self) } }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try present(key) { try decoder.readUnsigned(UInt64.self) } }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        switch try decoder.readTag(key, depth: depth) {
        case .absent: return nil
        case .null:
            // A nil field of an optional type (`Int??` holding `.some(nil)`) is present; else it is nil.
            guard let optional = T.self as? any BinaryOptionalDecoding.Type else { return nil }
            return .some(optional.binaryNone as! T)
        case .value: return try decoder.decodeField(T.self, state: .value, forKey: key, depth: depth)
        }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try enter(key, "a keyed container")
        return KeyedDecodingContainer(BinaryKeyedDecodingContainer<NestedKey>(decoder: decoder, depth: depth + 1))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try enter(key, "an unkeyed container")
        return try BinaryUnkeyedDecodingContainer(decoder: decoder, depth: depth + 1)
    }

    func superDecoder() throws -> any Decoder {
        try enter(BinarySuperKey.super, "a superclass")
        return decoder
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try enter(key, "a superclass")
        return decoder
    }

    // MARK: - Helpers

    /// Reads a scalar field (which must hold a value).
    @inline(__always)
    private func scalar<T: Decodable>(_ key: Key, _ read: () throws -> T) throws -> T {
        let state = try decoder.readTag(key, depth: depth)
        guard state == .value else { return try decoder.decodeField(T.self, state: state, forKey: key, depth: depth) }
        do { return try read() } catch { throw decoder.relocated(error, depth: depth, key: key) }
    }

    /// Reads a scalar field that may be nil or left out.
    @inline(__always)
    private func present<T>(_ key: Key, _ read: () throws -> T) throws -> T? {
        guard try decoder.readTag(key, depth: depth) == .value else { return nil }
        do { return try read() } catch { throw decoder.relocated(error, depth: depth, key: key) }
    }

    /// Reads the value tag of a nested container or superclass and leaves `key` on the path.
    private func enter(_ key: some CodingKey, _ what: String) throws {
        guard try decoder.readTag(key, depth: depth) == .value else {
            throw DecodingError.valueNotFound(
                Any.self, decoder.context(depth: depth, key: key, "field '\(key.stringValue)' holds no value but \(what) was asked for"))
        }
        decoder.truncatePath(to: depth)
        decoder.path.append(key)
    }
}
