/// How `ItemCodec` encodes and decodes a batch of one item type; the implementations are
/// stateless, so the codec stays `Sendable` whatever the item type.
///
/// ```swift
/// let coding: any ItemBatchCoding<Order> = PlainBatchCoding<Order, Order>()
/// try coding.encode(orders, with: encoder)
/// ```
package protocol ItemBatchCoding<Item>: Sendable {
    associatedtype Item
    /// Appends every item to the encoder.
    func encode(_ items: [Item], with encoder: BinaryItemEncoder) throws
    /// Reads `count` items.
    func decode(_ count: Int, with decoder: BinaryItemDecoder) throws -> [Item]
}

/// Items of a `Codable` type `T`, which is `Item` (checked when made).
///
/// ```swift
/// let coding = PlainBatchCoding<Order, Order>()
/// ```
package struct PlainBatchCoding<Item, T: Codable>: ItemBatchCoding {
    package init() {
        precondition(T.self == Item.self, "PlainBatchCoding needs T == Item")
    }

    package func encode(_ items: [Item], with encoder: BinaryItemEncoder) throws {
        // Item is T (checked in init): same type, same layout.
        for item in unsafeBitCast(items, to: [T].self) { try encoder.encodeValue(item) }
    }

    package func decode(_ count: Int, with decoder: BinaryItemDecoder) throws -> [Item] {
        var items: [T] = []
        items.reserveCapacity(decoder.reservation(for: count))
        for _ in 0..<count { items.append(try decoder.decodeValue(T.self)) }
        return unsafeBitCast(items, to: [Item].self)
    }
}

/// The engine's keyed items `(key: String, value: V)`, which is `Item` (checked when made):
/// the key as a string, then the value.
///
/// ```swift
/// let coding = KeyedBatchCoding<(key: String, value: Int), Int>()
/// ```
package struct KeyedBatchCoding<Item, V: Codable>: ItemBatchCoding {
    package init?() {
        guard Item.self == (key: String, value: V).self else { return nil }
    }

    package func encode(_ items: [Item], with encoder: BinaryItemEncoder) throws {
        if V.self == Int.self {  // counts and sums: one specialized loop, no per-item dispatch
            for item in unsafeBitCast(items, to: [(key: String, value: Int)].self) {
                encoder.writeString(item.key)
                encoder.writeSigned(Int64(item.value))
            }
            return
        }
        for item in unsafeBitCast(items, to: [(key: String, value: V)].self) {
            encoder.writeString(item.key)
            try encoder.encodeValue(item.value)
        }
    }

    package func decode(_ count: Int, with decoder: BinaryItemDecoder) throws -> [Item] {
        if V.self == Int.self {
            var items: [(key: String, value: Int)] = []
            items.reserveCapacity(decoder.reservation(for: count))
            for _ in 0..<count {
                let key = try decoder.readString()
                items.append((key, try decoder.readSigned(Int.self)))
            }
            return unsafeBitCast(items, to: [Item].self)
        }
        var items: [(key: String, value: V)] = []
        items.reserveCapacity(decoder.reservation(for: count))
        for _ in 0..<count {
            let key = try decoder.readString()
            items.append((key, try decoder.decodeValue(V.self)))
        }
        return unsafeBitCast(items, to: [Item].self)
    }
}
