/// The unkeyed container of `BinaryItemDecoder`: reads the element count when created,
/// then the elements in order; reading past the count throws.
///
/// ```swift
/// var container = try decoder.unkeyedContainer()
/// while !container.isAtEnd { values.append(try container.decode(Int.self)) }
/// ```
struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: BinaryItemDecoder
    let depth: Int
    let count: Int?
    private(set) var currentIndex = 0

    init(decoder: BinaryItemDecoder, depth: Int) throws {
        self.decoder = decoder
        self.depth = depth
        self.count = try decoder.readCount()
    }

    var codingPath: [any CodingKey] { Array(decoder.path.prefix(depth)) }
    var isAtEnd: Bool { currentIndex >= count! }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd(Never?.self)
        guard try decoder.readNilMarker() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try element { decoder in try decoder.readBool() } }
    mutating func decode(_ type: String.Type) throws -> String { try element { decoder in try decoder.readString() } }
    mutating func decode(_ type: Double.Type) throws -> Double { try element { decoder in try .readBinary(from: decoder) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try element { decoder in try .readBinary(from: decoder) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try element { decoder in try decoder.readSigned(Int.self) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try element { decoder in try decoder.readSigned(Int8.self) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try element { decoder in try decoder.readSigned(Int16.self) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try element { decoder in try decoder.readSigned(Int32.self) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try element { decoder in try decoder.readSigned(Int64.self) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try element { decoder in try decoder.readUnsigned(UInt.self) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element { decoder in try decoder.readUnsigned(UInt8.self) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element { decoder in try decoder.readUnsigned(UInt16.self) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element { decoder in try decoder.readUnsigned(UInt32.self) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element { decoder in try decoder.readUnsigned(UInt64.self) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element { decoder in try decoder.decodeValue(T.self) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try enterElement(KeyedDecodingContainer<NestedKey>.self)
        return KeyedDecodingContainer(BinaryKeyedDecodingContainer<NestedKey>(decoder: decoder, depth: depth + 1))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try enterElement((any UnkeyedDecodingContainer).self)
        return try BinaryUnkeyedDecodingContainer(decoder: decoder, depth: depth + 1)
    }

    mutating func superDecoder() throws -> any Decoder {
        try enterElement((any Decoder).self)
        return decoder
    }

    // MARK: - Helpers

    /// Reads the next element with its index on the path.
    @inline(__always)
    private mutating func element<T>(_ read: (BinaryItemDecoder) throws -> T) throws -> T {
        try checkNotAtEnd(T.self)
        let index = currentIndex
        let decoder = decoder
        let value = try decoder.withPath(BinaryIndexKey(index), depth: depth) { try read(decoder) }
        currentIndex += 1
        return value
    }

    /// Counts an element that a nested container or decoder reads, leaving its index on the path.
    private mutating func enterElement<T>(_ type: T.Type) throws {
        try checkNotAtEnd(T.self)
        decoder.truncatePath(to: depth)
        decoder.path.append(BinaryIndexKey(currentIndex))
        currentIndex += 1
    }

    private func checkNotAtEnd<T>(_ type: T.Type) throws {
        guard isAtEnd else { return }
        throw DecodingError.valueNotFound(T.self, decoder.context(
            depth: depth, key: BinaryIndexKey(currentIndex), "the unkeyed container holds only \(count!) elements"))
    }
}
