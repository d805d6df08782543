import Foundation

// PLACEHOLDER until the binary coder lands: JSON, same interface.
package struct ItemCodec<Item>: Sendable {
    package let typeName: String
    private let encodeBatch: @Sendable ([Item], inout [UInt8]) throws -> Void
    private let decodeBatch: @Sendable ([UInt8], Range<Int>, Int) throws -> [Item]

    package init(
        typeName: String, encode: @escaping @Sendable ([Item], inout [UInt8]) throws -> Void,
        decode: @escaping @Sendable ([UInt8], Range<Int>, Int) throws -> [Item]
    ) {
        self.typeName = typeName
        self.encodeBatch = encode
        self.decodeBatch = decode
    }

    package func encode(_ items: [Item], into bytes: inout [UInt8]) throws { try encodeBatch(items, &bytes) }
    package func decode(_ bytes: [UInt8], range: Range<Int>, count: Int) throws -> [Item] {
        try decodeBatch(bytes, range, count)
    }

    package static func detect() -> ItemCodec<Item>? {
        guard let codable = Item.self as? any Codable.Type else { return nil }
        return open(codable)
    }

    private static func open<C: Codable>(_: C.Type) -> ItemCodec<Item> {
        ItemCodec(
            typeName: "\(Item.self)",
            encode: { items, bytes in bytes.append(contentsOf: try JSONEncoder().encode(items as! [C])) },
            decode: { bytes, range, _ in try JSONDecoder().decode([C].self, from: Data(bytes[range])) as! [Item] })
    }
}

private struct Pair<Value: Codable>: Codable {
    var key: String
    var value: Value
}

extension ItemCodec {
    package static func keyed<Value>(_: Value.Type) -> ItemCodec<(key: String, value: Value)>? {
        guard let codable = Value.self as? any Codable.Type else { return nil }
        return openKeyed(codable)
    }

    private static func openKeyed<C: Codable, Value>(_: C.Type) -> ItemCodec<(key: String, value: Value)> {
        ItemCodec<(key: String, value: Value)>(
            typeName: "(key: String, value: \(Value.self))",
            encode: { items, bytes in
                bytes.append(contentsOf: try JSONEncoder().encode(items.map { Pair(key: $0.key, value: $0.value as! C) }))
            },
            decode: { bytes, range, _ in
                try JSONDecoder().decode([Pair<C>].self, from: Data(bytes[range])).map { (key: $0.key, value: $0.value as! Value) }
            })
    }
}
