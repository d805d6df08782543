/// Encodes and decodes batches of items that cross a process boundary, in the binary item
/// format of `BinaryItemEncoder` (one key table per batch). Made at run time for an item type
/// that turns out to be `Codable` (`detect()`), including the engine's keyed items
/// `(key: String, value: V)` (`keyed(_:)`); in-process exchange never needs one.
///
/// ```swift
/// guard let codec = ItemCodec<Order>.detect() else { throw ItemCodec<Order>.notCodableError(step: "route") }
/// var bytes: [UInt8] = []
/// try codec.encode(orders, into: &bytes)
/// let back = try codec.decode(bytes, range: 0..<bytes.count, count: orders.count)
/// ```
package struct ItemCodec<Item>: Sendable, CustomStringConvertible {
    /// The item type's name, for errors.
    package let typeName: String
    private let coding: any ItemBatchCoding<Item>

    package var description: String { "ItemCodec<\(typeName)>" }

    /// A codec for `Item` if it is `Codable` at run time, or a `(key: String, value: V)` tuple
    /// with a `Codable` `V`; nil otherwise.
    /// - Returns: The codec, or nil when items of this type cannot cross processes.
    package static func detect() -> ItemCodec? {
        if let codable = Item.self as? any Codable.Type { return plain(codable) }
        if let value = KeyedTupleMetadata.valueType(of: Item.self), let codable = value as? any Codable.Type {
            return keyedTuple(codable)
        }
        return nil
    }

    /// A codec for the engine's keyed items, or nil when `Value` is not `Codable` at run time.
    /// - Parameter value: The value type.
    /// - Returns: The codec, or nil.
    package static func keyed<Value>(_ value: Value.Type) -> ItemCodec? where Item == (key: String, value: Value) {
        guard let codable = Value.self as? any Codable.Type else { return nil }
        return keyedTuple(codable)
    }

    /// What to say when `detect()` returns nil.
    package static var notCodableReason: String { "items of type \(Item.self) are not Codable" }

    /// Appends `items` to `bytes`. On error, `bytes` is left as it was.
    /// - Parameters:
    ///   - items: The batch.
    ///   - bytes: The buffer to append to.
    package func encode(_ items: [Item], into bytes: inout [UInt8]) throws {
        let start = bytes.count
        let encoder = BinaryItemEncoder()
        swap(&encoder.bytes, &bytes)
        defer { swap(&encoder.bytes, &bytes) }
        do {
            try coding.encode(items, with: encoder)
        } catch {
            encoder.bytes.removeSubrange(start...)
            throw ItemCodecError(typeName: typeName, action: "encoding a batch of \(items.count)", cause: error)
        }
    }

    /// Decodes a batch of `count` items that fills `bytes[range]` exactly.
    /// - Parameters:
    ///   - bytes: The buffer.
    ///   - range: The batch's bytes.
    ///   - count: How many items the sender encoded.
    /// - Returns: The items.
    package func decode(_ bytes: [UInt8], range: Range<Int>, count: Int) throws -> [Item] {
        let action = "decoding a batch of \(count) from \(range.count) bytes"
        do {
            let decoder = try BinaryItemDecoder(bytes: bytes, range: range)
            let items = try coding.decode(count, with: decoder)
            guard decoder.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: [], debugDescription: "\(decoder.remaining) bytes left over after the last item"))
            }
            return items
        } catch {
            throw ItemCodecError(typeName: typeName, action: action, cause: error)
        }
    }

    // MARK: - Construction

    private static func plain<T: Codable>(_ type: T.Type) -> ItemCodec {
        ItemCodec(typeName: "\(Item.self)", coding: PlainBatchCoding<Item, T>())
    }

    private static func keyedTuple<V: Codable>(_ type: V.Type) -> ItemCodec? {
        // `KeyedBatchCoding` checks Item == (key: String, value: V), which also confirms `KeyedTupleMetadata`.
        guard let coding = KeyedBatchCoding<Item, V>() else { return nil }
        return ItemCodec(typeName: "\(Item.self)", coding: coding)
    }
}

/// A batch that could not be encoded or decoded: names the item type and what was done.
///
/// ```swift
/// catch let error as ItemCodecError { log("\(error)") }   // "decoding a batch of 3 … of (key: String, value: Int): …"
/// ```
package struct ItemCodecError: Error, CustomStringConvertible {
    /// The item type.
    package let typeName: String
    /// What failed, e.g. "decoding a batch of 1000 from 5012 bytes".
    package let action: String
    /// The underlying `EncodingError`/`DecodingError`.
    package let cause: any Error

    package var description: String { "\(action) of items of type \(typeName) failed: \(cause)" }
}
