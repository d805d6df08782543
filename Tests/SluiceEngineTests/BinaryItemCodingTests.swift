import Foundation
import SluiceEngine
import Testing

@Suite struct BinaryItemCodingTests {
    @Test func everythingRoundTrips() throws {
        #expect(try binaryRoundTrip(Everything.sample) == Everything.sample)
    }

    @Test func scalarsAtTheirLimitsRoundTrip() throws {
        let low = Scalars(
            flag: false, text: "", double: -.zero, float: -.greatestFiniteMagnitude, int: .min, int8: .min, int16: .min,
            int32: .min, int64: .min, uint: 0, uint8: 0, uint16: 0, uint32: 0, uint64: 0)
        let high = Scalars(
            flag: true, text: String(repeating: "é", count: 300), double: .greatestFiniteMagnitude, float: .infinity,
            int: .max, int8: .max, int16: .max, int32: .max, int64: .max, uint: .max, uint8: .max, uint16: .max,
            uint32: .max, uint64: .max)
        #expect(try binaryRoundTrip(low) == low)
        #expect(try binaryRoundTrip(high) == high)
        #expect(try binaryRoundTrip(Double.nan).isNaN)
    }

    @Test func generatedScalarsRoundTrip() throws {
        var generator = SplitMix64(seed: 42)  // PartitionAssignmentTests.swift
        for _ in 0..<500 {
            let value = Scalars(
                flag: .random(using: &generator), text: String(UInt64.random(in: 0...(.max), using: &generator), radix: 36),
                double: Double(bitPattern: generator.next()), float: .random(in: -1e9...1e9, using: &generator),
                int: .random(in: .min ... .max, using: &generator), int8: .random(in: .min ... .max, using: &generator),
                int16: .random(in: .min ... .max, using: &generator), int32: .random(in: .min ... .max, using: &generator),
                int64: .random(in: .min ... .max, using: &generator), uint: .random(in: 0 ... .max, using: &generator),
                uint8: .random(in: 0 ... .max, using: &generator), uint16: .random(in: 0 ... .max, using: &generator),
                uint32: .random(in: 0 ... .max, using: &generator), uint64: .random(in: 0 ... .max, using: &generator))
            let back = try binaryRoundTrip(value)
            // NaN payloads compare unequal: compare the double by its bits.
            #expect(back.double.bitPattern == value.double.bitPattern)
            var same = back
            same.double = value.double
            #expect(value.double.isNaN || same == value)
        }
    }

    @Test func scalarsUseTheCompactForms() throws {
        #expect(try binaryBytes(0) == [0])
        #expect(try binaryBytes(-1) == [1])  // zigzag
        #expect(try binaryBytes(63) == [126])
        #expect(try binaryBytes(300) == [0xd8, 0x04])
        #expect(try binaryBytes(UInt8(200)) == [0xc8, 0x01])
        #expect(try binaryBytes(true) == [1])
        #expect(try binaryBytes(1.0) == [0, 0, 0, 0, 0, 0, 0xf0, 0x3f])  // little-endian IEEE 754
        #expect(try binaryBytes(Float(1)) == [0, 0, 0x80, 0x3f])
        #expect(try binaryBytes("hé") == [3, 0x68, 0xc3, 0xa9])
        #expect(try binaryBytes(Data([7, 8])) == [2, 7, 8])
        #expect(try binaryBytes([UInt8]([7, 8])) == [2, 7, 8])
        #expect(try binaryBytes([1, 2]) == [2, 2, 4])
        #expect(try binaryBytes(Date(timeIntervalSince1970: 1)) == binaryBytes(1.0))
        #expect(try binaryBytes(Int?.none) == [0])
        #expect(try binaryBytes(Int?.some(1)) == [1, 2])
        // A struct: new key tag 0 + name, value; the second struct refers to the keys by number.
        #expect(try binaryBytes([Point(x: 1, y: 2), Point(x: 3, y: 4)])
            == [2, 0, 1, 0x78, 2, 0, 1, 0x79, 4, 1 << 2, 6, 2 << 2, 8])
    }

    @Test func optionalsRoundTripIncludingNestedAndOmitted() throws {
        let cases = [
            Optionals(a: nil, b: nil, c: nil, d: [], e: nil, f: nil, g: nil),
            Optionals(a: 0, b: "", c: .some(nil), d: [nil], e: Point(x: 0, y: 0), f: Empty(), g: true),
            Optionals(a: -5, b: "x", c: .some(.some(0)), d: [0, nil, -1], e: nil, f: nil, g: false),
        ]
        for value in cases { #expect(try binaryRoundTrip(value) == value) }
        #expect(try binaryRoundTrip(Int??.some(nil)) == .some(nil))
        #expect(try binaryRoundTrip(Int??.none) == nil)
        #expect(try binaryRoundTrip([String: Int?](dictionaryLiteral: ("a", nil), ("b", 2))) == ["a": nil, "b": 2])
    }

    @Test func enumsWithAssociatedValuesRoundTrip() throws {
        for shape in Everything.sample.shapes { #expect(try binaryRoundTrip(shape) == shape) }
        #expect(try binaryRoundTrip([Color.red, .green]) == [.red, .green])
    }

    @Test func emptyStructsAndCollectionsRoundTrip() throws {
        #expect(try binaryRoundTrip(Empty()) == Empty())
        #expect(try binaryBytes(Empty()).isEmpty)
        #expect(try binaryRoundTrip([Empty](repeating: Empty(), count: 1000)).count == 1000)
        #expect(try binaryRoundTrip([String: [Int]]()) == [:])
        #expect(try binaryRoundTrip(Set<Int>()) == [])
    }

    @Test func dictionariesWithStringAndIntKeysRoundTrip() throws {
        let byName = Dictionary(uniqueKeysWithValues: (0..<100).map { ("k\($0)", $0 * $0) })
        let byID = Dictionary(uniqueKeysWithValues: (0..<100).map { ($0 - 50, "v\($0)") })
        #expect(try binaryRoundTrip(byName) == byName)
        #expect(try binaryRoundTrip(byID) == byID)
        #expect(try binaryRoundTrip(["outer": ["inner": [1, 2]]]) == ["outer": ["inner": [1, 2]]])
    }

    @Test func classesWithASuperclassRoundTrip() throws {
        let back = try binaryRoundTrip(Dog(name: "Rex", barks: 3))
        #expect(back.name == "Rex")
        #expect(back.barks == 3)
        let animal = try binaryRoundTrip(Animal(name: "cat"))
        #expect(animal.name == "cat")
    }

    @Test func handwrittenNestedContainersRoundTrip() throws {
        let values = [
            Handwritten(title: "t", corner: Point(x: 1, y: -1), values: [1, 2, 3], pairs: [["a", "b"], [], ["c"]], missing: nil, base: Point(x: 9, y: 8)),
            Handwritten(title: "", corner: Point(x: 0, y: 0), values: [], pairs: [], missing: 4, base: Point(x: 0, y: 0)),
        ]
        #expect(try binaryRoundTrip(values) == values)
    }

    @Test func valuesFollowEachOtherInOneBuffer() throws {
        let encoder = BinaryItemEncoder()
        try encoder.encode(Point(x: 1, y: 2))
        try encoder.encode("between")
        try encoder.encode(Point(x: 3, y: 4))
        let decoder = try BinaryItemDecoder(bytes: encoder.bytes, range: 0..<encoder.bytes.count)
        #expect(try decoder.decode(Point.self) == Point(x: 1, y: 2))
        #expect(try decoder.decode(String.self) == "between")
        #expect(try decoder.decode(Point.self) == Point(x: 3, y: 4))
        #expect(decoder.isAtEnd)
    }

    @Test func oneKeyTableServesMixedTypesAndSkippedFields() throws {
        // Key numbers are predicted from the previous field; mixed shapes must still round-trip.
        let encoder = BinaryItemEncoder()
        var expected: [Any] = []
        for index in 0..<50 {
            let optionals = Optionals(
                a: index % 2 == 0 ? index : nil, b: index % 3 == 0 ? nil : "b\(index)", c: index % 5 == 0 ? .some(nil) : nil,
                d: [], e: nil, f: nil, g: index % 2 == 1 ? true : nil)
            try encoder.encode(optionals)
            try encoder.encode(Point(x: index, y: -index))
            try encoder.encode(["y": index, "x": 1])
            expected.append(optionals)
        }
        let decoder = try BinaryItemDecoder(bytes: encoder.bytes, range: 0..<encoder.bytes.count)
        for index in 0..<50 {
            #expect(try decoder.decode(Optionals.self) == expected[index] as? Optionals)
            #expect(try decoder.decode(Point.self) == Point(x: index, y: -index))
            #expect(try decoder.decode([String: Int].self) == ["y": index, "x": 1])
        }
        #expect(decoder.isAtEnd)
    }
}
