import Foundation
import SluiceEngine
import Testing

// Value types the binary coding tests round-trip.

struct Point: Codable, Hashable {
    var x: Int
    var y: Int
}

struct Empty: Codable, Equatable {}

struct Scalars: Codable, Equatable {
    var flag: Bool
    var text: String
    var double: Double
    var float: Float
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
}

struct Optionals: Codable, Equatable {
    var a: Int?
    var b: String?
    var c: Int??
    var d: [Int?]
    var e: Point?
    var f: Empty?
    var g: Bool?
}

struct Collections: Codable, Equatable {
    var tags: Set<String>
    var byName: [String: Int]
    var byID: [Int: [String]]
    var byPoint: [Point: String]
    var data: Data
    var raw: [UInt8]
    var when: Date
    var matrix: [[Double]]
    var empties: [Empty]
}

enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case segment(Point, Point)
    case nothing
    case tagged(Int, label: String?)
    indirect case group([Shape], name: String)
}

enum Color: String, Codable {
    case red, green
}

struct Everything: Codable, Equatable {
    var scalars: Scalars
    var optionals: Optionals
    var collections: Collections
    var shapes: [Shape]
    var color: Color
    var empty: Empty
}

/// A base class and a subclass that encodes its superclass through `superEncoder()`.
class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

final class Dog: Animal {
    var barks: Int
    init(name: String, barks: Int) {
        self.barks = barks
        super.init(name: name)
    }

    private enum CodingKeys: String, CodingKey { case barks }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(barks, forKey: .barks)
        try super.encode(to: container.superEncoder())
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        barks = try container.decode(Int.self, forKey: .barks)
        try super.init(from: container.superDecoder())
    }
}

/// Hand-written coding with nested keyed and unkeyed containers, `superEncoder(forKey:)`,
/// `encodeNil(forKey:)`, and an unkeyed container holding nested containers.
struct Handwritten: Codable, Equatable {
    var title: String
    var corner: Point
    var values: [Int]
    var pairs: [[String]]
    var missing: Int?
    var base: Point

    private enum Keys: String, CodingKey { case title, corner, values, pairs, missing, base }
    private enum CornerKeys: String, CodingKey { case x, y }

    init(title: String, corner: Point, values: [Int], pairs: [[String]], missing: Int?, base: Point) {
        (self.title, self.corner, self.values, self.pairs, self.missing, self.base) = (title, corner, values, pairs, missing, base)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(title, forKey: .title)
        var corner = container.nestedContainer(keyedBy: CornerKeys.self, forKey: .corner)
        try corner.encode(self.corner.x, forKey: .x)
        try corner.encode(self.corner.y, forKey: .y)
        var values = container.nestedUnkeyedContainer(forKey: .values)
        for value in self.values { try values.encode(value) }
        var pairs = container.nestedUnkeyedContainer(forKey: .pairs)
        for pair in self.pairs {
            var inner = pairs.nestedUnkeyedContainer()
            for text in pair { try inner.encode(text) }
        }
        if let missing { try container.encode(missing, forKey: .missing) } else { try container.encodeNil(forKey: .missing) }
        try base.encode(to: container.superEncoder(forKey: .base))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        title = try container.decode(String.self, forKey: .title)
        let corner = try container.nestedContainer(keyedBy: CornerKeys.self, forKey: .corner)
        self.corner = Point(x: try corner.decode(Int.self, forKey: .x), y: try corner.decode(Int.self, forKey: .y))
        var values = try container.nestedUnkeyedContainer(forKey: .values)
        self.values = []
        while !values.isAtEnd { self.values.append(try values.decode(Int.self)) }
        var pairs = try container.nestedUnkeyedContainer(forKey: .pairs)
        self.pairs = []
        while !pairs.isAtEnd {
            var inner = try pairs.nestedUnkeyedContainer()
            var pair: [String] = []
            while !inner.isAtEnd { pair.append(try inner.decode(String.self)) }
            self.pairs.append(pair)
        }
        missing = try container.decodeNil(forKey: .missing) ? nil : try container.decode(Int.self, forKey: .missing)
        base = try Point(from: container.superDecoder(forKey: .base))
    }
}

/// Not Codable: `ItemCodec.detect()` must refuse it.
struct NotCodable: Sendable {
    var handle: Int
}

/// Encodes one value with a fresh encoder and decodes it back, checking nothing is left over.
func binaryRoundTrip<T: Codable>(_ value: T) throws -> T {
    let encoder = BinaryItemEncoder()
    try encoder.encode(value)
    let decoder = try BinaryItemDecoder(bytes: encoder.bytes, range: 0..<encoder.bytes.count)
    let back = try decoder.decode(T.self)
    #expect(decoder.isAtEnd, "\(decoder.remaining) bytes left after decoding \(T.self)")
    return back
}

/// The bytes of one value.
func binaryBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = BinaryItemEncoder()
    try encoder.encode(value)
    return encoder.bytes
}

extension Everything {
    /// A sample that uses every kind of value.
    static let sample = Everything(
        scalars: Scalars(
            flag: true, text: "naïve café 🍎", double: -1.5e300, float: .pi, int: .min, int8: -128, int16: 300,
            int32: -70_000, int64: .max, uint: .max, uint8: 255, uint16: 65_535, uint32: 1 << 31, uint64: .max),
        optionals: Optionals(a: nil, b: "b", c: .some(nil), d: [1, nil, 3], e: Point(x: -1, y: 1), f: Empty(), g: false),
        collections: Collections(
            tags: ["a", "b", ""], byName: ["one": 1, "two": 2], byID: [7: ["x", "y"], -1: []],
            byPoint: [Point(x: 1, y: 2): "p"], data: Data([0, 1, 2, 255]), raw: [9, 8, 7],
            when: Date(timeIntervalSince1970: 1_704_067_200.25), matrix: [[1, 2], [], [.infinity]], empties: [Empty(), Empty()]),
        shapes: [
            .circle(radius: 2), .segment(Point(x: 0, y: 0), Point(x: 3, y: 4)), .nothing, .tagged(5, label: nil),
            .group([.nothing, .tagged(1, label: "one")], name: "g"),
        ],
        color: .green, empty: Empty())
}
