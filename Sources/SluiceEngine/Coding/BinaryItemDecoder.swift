import Foundation

/// A `Decoder` that reads values written by `BinaryItemEncoder`, in the order they were
/// written, from a byte range. Bad input (truncated, corrupt, or written by another type or
/// field order) throws `DecodingError` naming the coding path and the byte offset; it never
/// reads outside the range or reserves memory for more elements than bytes are left.
///
/// ```swift
/// let decoder = try BinaryItemDecoder(bytes: bytes, range: 0..<bytes.count)
/// let counts = try decoder.decode([String: Int].self)
/// let point = try decoder.decode(Point.self)
/// ```
package final class BinaryItemDecoder {
    // `@exclusivity(unchecked)`: the decoder is used by one thread and never hands out
    // `inout` access to these across calls; dynamic checks cost ~15% of decoding time.

    /// The input; only `position..<end` is read.
    let bytes: [UInt8]
    /// The next byte to read.
    @exclusivity(unchecked) var position: Int
    /// One past the last byte to read.
    let end: Int
    /// The key names of this buffer's key table, in order of first use.
    @exclusivity(unchecked) private var keys: [String] = []
    /// The keys leading to the value being decoded (see `truncatePath(to:)`).
    @exclusivity(unchecked) var path: [any CodingKey] = []

    /// How deep values may nest (coding path length) before the input counts as corrupt.
    package static let maxDepth = 512

    /// Creates a decoder for `bytes[range]`.
    /// - Parameters:
    ///   - bytes: The buffer.
    ///   - range: The bytes to decode; must lie within `bytes`.
    package init(bytes: [UInt8], range: Range<Int>) throws {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "byte range \(range) lies outside the \(bytes.count) bytes given"))
        }
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// Whether every byte of the range was read.
    package var isAtEnd: Bool { position == end }

    /// How many bytes of the range are left.
    package var remaining: Int { end - position }

    /// Reads the next value.
    /// - Parameter type: The type the encoder wrote.
    /// - Returns: The value.
    package func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type)
    }

    // MARK: - Values

    /// Reads a value in stream position (not after a key tag).
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // The metatype checks make the bit casts exact (same type).
        if T.self == Int.self { return unsafeBitCast(try readSigned(Int.self), to: T.self) }
        if T.self == String.self { return unsafeBitCast(try readString(), to: T.self) }
        if let wire = T.self as? any BinaryWireDecodable.Type { return try wire.readBinary(from: self) as! T }
        // Corrupt input for a recursive type must not recurse until the stack overflows.
        guard path.count < Self.maxDepth else { throw corrupt("values nested more than \(Self.maxDepth) deep") }
        return try T(from: self)
    }

    /// Reads a keyed field's value after its tag: a nil state is an `Optional`'s `.none`.
    func decodeField<T: Decodable, Key: CodingKey>(
        _ type: T.Type, state: BinaryWireFormat.FieldState, forKey key: Key, depth: Int
    ) throws -> T {
        let optional = T.self as? any BinaryOptionalDecoding.Type
        switch state {
        case .absent:
            throw DecodingError.keyNotFound(key, context(
                depth: depth, "field '\(key.stringValue)' was left out (encodeIfPresent of nil) but \(T.self) is required"))
        case .null:
            guard let optional else {
                throw DecodingError.valueNotFound(T.self, context(
                    depth: depth, key: key, "field '\(key.stringValue)' is nil but \(T.self) is required"))
            }
            return optional.binaryNone as! T
        case .value:
            return try withPath(key, depth: depth) {
                if let optional { return try optional.readBinaryWrapped(from: self) as! T }
                return try decodeValue(T.self)
            }
        }
    }

    /// Runs `body` with the path set to the first `depth` keys plus `key`, then cuts it back.
    @inline(__always)
    func withPath<R>(_ key: some CodingKey, depth: Int, _ body: () throws -> R) rethrows -> R {
        truncatePath(to: depth)
        path.append(key)
        let result = try body()
        truncatePath(to: depth)
        return result
    }

    /// Cuts the path back to a container's depth (a nested container leaves its key on the path).
    @inline(__always)
    func truncatePath(to depth: Int) {
        if path.count > depth { path.removeSubrange(depth...) }
    }

    // MARK: - Key tags

    /// A key tag read without consuming it.
    struct Tag {
        let name: String
        let state: BinaryWireFormat.FieldState
        /// Whether the tag introduces its key (which joins the key table once consumed).
        let isNew: Bool
        /// Where the bytes after the tag start.
        let next: Int
    }

    /// Reads the next key tag without consuming it; nil at the end of the range.
    func peekTag() throws -> Tag? {
        guard position < end else { return nil }
        let start = position
        defer { position = start }
        let tag = try readVarint()
        guard let state = BinaryWireFormat.FieldState(rawValue: tag & 3) else {
            throw corrupt("key tag \(tag) has no valid state", at: start)
        }
        let ref = tag >> 2
        if ref == 0 {
            let name = try readString()
            return Tag(name: name, state: state, isNew: true, next: position)
        }
        guard ref <= UInt64(keys.count) else {
            throw corrupt("key tag refers to key #\(ref) but only \(keys.count) keys were named", at: start)
        }
        return Tag(name: keys[Int(ref - 1)], state: state, isNew: false, next: position)
    }

    /// Consumes a tag returned by `peekTag()`.
    func consume(_ tag: Tag) {
        if tag.isNew { keys.append(tag.name) }
        position = tag.next
    }

    /// Reads the next tag, which must name `key`; returns its state.
    func readTag<Key: CodingKey>(_ key: Key, depth: Int) throws -> BinaryWireFormat.FieldState {
        guard let tag = try peekTag() else {
            throw DecodingError.keyNotFound(key, context(
                depth: depth, "field '\(key.stringValue)' expected at byte \(position) but the input ends there"))
        }
        guard tag.name == key.stringValue else { throw mismatch(key, found: tag.name, depth: depth) }
        consume(tag)
        return tag.state
    }

    /// The error for a field that is not the one the input holds next.
    func mismatch<Key: CodingKey>(_ key: Key, found: String, depth: Int) -> DecodingError {
        DecodingError.keyNotFound(key, context(
            depth: depth,
            "field '\(key.stringValue)' expected at byte \(position) but the input has field '\(found)' there:"
                + " the encoder wrote its fields in another order or had another schema"))
    }

    // MARK: - Errors

    /// `error` with its coding path set to the first `depth` keys plus `key` (for scalars,
    /// which are read without pushing their key).
    func relocated(_ error: any Error, depth: Int, key: some CodingKey) -> any Error {
        guard let error = error as? DecodingError else { return error }
        func moved(_ context: DecodingError.Context) -> DecodingError.Context {
            self.context(depth: depth, key: key, context.debugDescription)
        }
        switch error {
        case .dataCorrupted(let context): return DecodingError.dataCorrupted(moved(context))
        case .typeMismatch(let type, let context): return DecodingError.typeMismatch(type, moved(context))
        case .valueNotFound(let type, let context): return DecodingError.valueNotFound(type, moved(context))
        case .keyNotFound(let missing, let context): return DecodingError.keyNotFound(missing, moved(context))
        @unknown default: return error
        }
    }

    /// A context at the first `depth` keys of the path (plus `key` if given).
    func context(depth: Int, key: (any CodingKey)? = nil, _ message: String) -> DecodingError.Context {
        var codingPath = Array(path.prefix(depth))
        if let key { codingPath.append(key) }
        return DecodingError.Context(codingPath: codingPath, debugDescription: message)
    }

    /// A `dataCorrupted` error at the current path, naming the byte offset.
    func corrupt(_ message: String, at offset: Int? = nil) -> DecodingError {
        DecodingError.dataCorrupted(.init(
            codingPath: path, debugDescription: "corrupt input at byte \(offset ?? position): \(message)"))
    }

    /// The error for input that ends too early.
    func truncated(_ what: String, needs count: Int) -> DecodingError {
        DecodingError.dataCorrupted(.init(
            codingPath: path,
            debugDescription: "input ends at byte \(end) while reading \(what) at byte \(position): needs \(count) bytes, \(remaining) left"))
    }
}

extension BinaryItemDecoder: Decoder {
    package var codingPath: [any CodingKey] { path }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(BinaryKeyedDecodingContainer<Key>(decoder: self, depth: path.count))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecodingContainer(decoder: self, depth: path.count)
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecodingContainer(decoder: self, depth: path.count)
    }
}
