import Foundation
import SluiceEngine
import Testing

@Suite struct ItemCodecTests {
    private func roundTrip<Item>(_ codec: ItemCodec<Item>, _ items: [Item]) throws -> [Item] {
        var bytes: [UInt8] = [0xaa]  // something before the batch
        try codec.encode(items, into: &bytes)
        return try codec.decode(bytes, range: 1..<bytes.count, count: items.count)
    }

    @Test func detectFindsCodableTypes() throws {
        let ints = try #require(ItemCodec<Int>.detect())
        #expect(try roundTrip(ints, [1, -2, .max]) == [1, -2, .max])
        let points = try #require(ItemCodec<Point>.detect())
        let sample = (0..<100).map { Point(x: $0, y: -$0) }
        #expect(try roundTrip(points, sample) == sample)
        let optionals = try #require(ItemCodec<String?>.detect())
        #expect(try roundTrip(optionals, ["a", nil, ""]) == ["a", nil, ""])
        let everything = try #require(ItemCodec<Everything>.detect())
        #expect(try roundTrip(everything, [.sample, .sample]) == [.sample, .sample])
    }

    @Test func detectRefusesTypesThatAreNotCodable() {
        #expect(ItemCodec<NotCodable>.detect() == nil)
        #expect(ItemCodec<[NotCodable]>.detect() == nil)
        #expect(ItemCodec<@Sendable () -> Void>.detect() == nil)
        #expect(ItemCodec<any Sendable>.detect() == nil)
        #expect(ItemCodec<NotCodable>.notCodableReason == "items of type NotCodable are not Codable")
    }

    @Test func detectHandlesKeyedTuples() throws {
        let counts = try #require(ItemCodec<(key: String, value: Int)>.detect())
        let items = [(key: "a", value: 1), (key: "", value: -7), (key: "é🍎", value: .min)]
        let back = try roundTrip(counts, items)
        #expect(back.map(\.key) == items.map(\.key))
        #expect(back.map(\.value) == items.map(\.value))

        let nested = try #require(ItemCodec<(key: String, value: [String: Point?])>.detect())
        let value: [String: Point?] = ["p": Point(x: 1, y: 2), "none": nil]
        let nestedBack = try roundTrip(nested, [(key: "k", value: value)])
        #expect(nestedBack.first?.key == "k")
        #expect(nestedBack.first?.value == value)
    }

    @Test func detectRefusesOtherTuples() {
        #expect(ItemCodec<(key: String, value: NotCodable)>.detect() == nil)
        #expect(ItemCodec<(String, Int)>.detect() == nil)
        #expect(ItemCodec<(key: Int, value: Int)>.detect() == nil)
        #expect(ItemCodec<(value: String, key: Int)>.detect() == nil)
        #expect(ItemCodec<(key: String, val: Int)>.detect() == nil)
        #expect(ItemCodec<(key: String, value: Int, extra: Int)>.detect() == nil)
        #expect(ItemCodec<(key: String, Int)>.detect() == nil)
    }

    @Test func tupleMetadataReadsOnlyKeyValueTuples() {
        #expect(KeyedTupleMetadata.valueType(of: (key: String, value: Int).self) == Int.self)
        #expect(KeyedTupleMetadata.valueType(of: (key: String, value: Point?).self) == Point?.self)
        #expect(KeyedTupleMetadata.valueType(of: (key: String, value: NotCodable).self) == NotCodable.self)
        #expect(KeyedTupleMetadata.valueType(of: (key: String, value: (key: String, value: Int)).self)
            == (key: String, value: Int).self)
        for other: Any.Type in [
            Int.self, String.self, Point.self, Animal.self, (String, Int).self, (key: Int, value: Int).self,
            (key: String, value: Int, extra: Int).self, (key: String, other: Int).self, Void.self,
            (@Sendable ((key: String, value: Int)) -> Void).self, (any Sendable).self, [Int].self,
        ] {
            #expect(KeyedTupleMetadata.valueType(of: other) == nil, "\(other)")
        }
    }

    @Test func keyedBuildsACodecForCodableValuesOnly() throws {
        let codec = try #require(ItemCodec.keyed(Double.self))
        let back = try roundTrip(codec, [(key: "x", value: 1.5)])
        #expect(back.count == 1 && back[0].key == "x" && back[0].value == 1.5)
        #expect(ItemCodec.keyed(NotCodable.self) == nil)
        #expect(codec.description == "ItemCodec<(key: String, value: Double)>")
    }

    @Test func aBatchPaysKeyNamesOnce() throws {
        let codec = try #require(ItemCodec<Point>.detect())
        var bytes: [UInt8] = []
        try codec.encode((0..<1000).map { Point(x: $0 % 50, y: 7) }, into: &bytes)
        // First item: two new tags with names (3 bytes each) + 2 values; then 4 bytes per item.
        #expect(bytes.count == 8 + 999 * 4)
        // Each batch has its own key table: a second batch names the keys again.
        let first = bytes.count
        try codec.encode([Point(x: 1, y: 1)], into: &bytes)
        #expect(bytes.count - first == 8)
        #expect(try codec.decode(bytes, range: first..<bytes.count, count: 1) == [Point(x: 1, y: 1)])
    }

    @Test func aWrongCountOrRangeFailsNamingTheType() throws {
        let codec = try #require(ItemCodec<Point>.detect())
        var bytes: [UInt8] = []
        try codec.encode([Point(x: 1, y: 2), Point(x: 3, y: 4)], into: &bytes)
        for (range, count) in [(0..<bytes.count, 1), (0..<bytes.count, 3), (0..<(bytes.count - 1), 2), (0..<(bytes.count + 1), 2)] {
            #expect {
                try codec.decode(bytes, range: range, count: count)
            } throws: { error in
                "\(error)".contains("items of type Point") && (error as? ItemCodecError)?.cause is DecodingError
            }
        }
    }

    @Test func anEncodingErrorLeavesTheBufferAsItWas() throws {
        struct Failing: Codable {
            var fail: Bool
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(fail)
                if fail { throw EncodingError.invalidValue(fail, .init(codingPath: [], debugDescription: "refused")) }
            }
        }
        let codec = try #require(ItemCodec<Failing>.detect())
        var bytes: [UInt8] = [1, 2, 3]
        #expect(throws: ItemCodecError.self) { try codec.encode([Failing(fail: false), Failing(fail: true)], into: &bytes) }
        #expect(bytes == [1, 2, 3])
    }

    /// Prints encode+decode throughput; asserts only that the data round-tripped.
    @Test func throughputIsPrinted() throws {
        let count = 50_000
        let pairs = (0..<count).map { (key: "w\(($0 * 7919) % 10_000)", value: $0) }
        let keyed = try #require(ItemCodec<(key: String, value: Int)>.detect())
        let pairsBack = try measure("keyed (String, Int)", pairs, keyed)
        #expect(pairsBack.last?.key == pairs.last?.key && pairsBack.last?.value == pairs.last?.value)

        let orders = (0..<count).map { Order(id: $0, customer: "c\($0 % 977)", amount: Double($0) / 4, quantity: $0 % 13, paid: $0 % 2 == 0) }
        let ordersBack = try measure("5-field struct", orders, try #require(ItemCodec<Order>.detect()))
        #expect(ordersBack == orders)
    }

    private func measure<Item>(_ name: String, _ items: [Item], _ codec: ItemCodec<Item>) throws -> [Item] {
        let batch = 1000
        var decoded: [Item] = []
        decoded.reserveCapacity(items.count)
        var bytes: [UInt8] = []
        let elapsed = try ContinuousClock().measure {
            for start in stride(from: 0, to: items.count, by: batch) {
                let slice = Array(items[start..<min(start + batch, items.count)])
                bytes.removeAll(keepingCapacity: true)
                try codec.encode(slice, into: &bytes)
                decoded += try codec.decode(bytes, range: 0..<bytes.count, count: slice.count)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("ItemCodec \(name): \(items.count) items encode+decode in \(seconds) s = \(Int(Double(items.count) / seconds)) items/s (debug build)")
        return decoded
    }
}

/// The 5-field struct of the throughput measurement.
struct Order: Codable, Equatable {
    var id: Int
    var customer: String
    var amount: Double
    var quantity: Int
    var paid: Bool
}
