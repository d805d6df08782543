import Foundation
import SluiceEngine
import Testing

/// A struct with Point's shape but its fields asked for in the other order.
private struct SwappedPoint: Codable {
    var x: Int
    var y: Int
    private enum CodingKeys: String, CodingKey { case x, y }
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        y = try container.decode(Int.self, forKey: .y)
        x = try container.decode(Int.self, forKey: .x)
    }
}

/// Another schema: `z` where `Point` has `y`.
private struct OtherPoint: Codable {
    var x: Int
    var z: Int
}

private struct Holder<T: Codable>: Codable {
    var inner: T
}

/// A recursive type, for deeply nested corrupt input.
private indirect enum Chain: Codable {
    case end
    case link(Chain)
}

@Suite struct BinaryItemDecodingErrorTests {
    /// Decodes `T` from bytes and returns the error (nil if it decoded).
    private func decodingError<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> (any Error)? {
        do {
            let decoder = try BinaryItemDecoder(bytes: bytes, range: 0..<bytes.count)
            _ = try decoder.decode(T.self)
            return nil
        } catch {
            return error
        }
    }

    @Test func fieldsAskedForInAnotherOrderNameBothKeysAndThePath() throws {
        let bytes = try binaryBytes(Holder(inner: Point(x: 1, y: 2)))
        let error = try #require(decodingError(Holder<SwappedPoint>.self, from: bytes) as? DecodingError)
        guard case .keyNotFound(let key, let context) = error else { Issue.record("got \(error)"); return }
        #expect(key.stringValue == "y")
        #expect(context.codingPath.map(\.stringValue) == ["inner"])
        #expect(context.debugDescription.contains("'y'") && context.debugDescription.contains("'x'"))
    }

    @Test func anotherSchemaNamesTheMissingKey() throws {
        let bytes = try binaryBytes([Point(x: 1, y: 2)])
        let error = try #require(decodingError([OtherPoint].self, from: bytes) as? DecodingError)
        guard case .keyNotFound(let key, let context) = error else { Issue.record("got \(error)"); return }
        #expect(key.stringValue == "z")
        #expect(context.codingPath.map(\.stringValue) == ["Index 0"])
        #expect(context.debugDescription.contains("field 'y'"))
    }

    @Test func aLeftOutFieldForARequiredTypeIsKeyNotFound() throws {
        let bytes = try binaryBytes(Optionals(a: nil, b: nil, c: nil, d: [], e: nil, f: nil, g: nil))
        struct Required: Decodable { var a: Int }
        let error = try #require(decodingError(Required.self, from: bytes) as? DecodingError)
        guard case .keyNotFound(let key, _) = error else { Issue.record("got \(error)"); return }
        #expect(key.stringValue == "a")  // written with encodeIfPresent(nil): absent
    }

    @Test func everyTruncationOfASampleThrowsADecodingError() throws {
        let bytes = try binaryBytes(Everything.sample)
        #expect(bytes.count > 100)
        for length in 0..<bytes.count {
            let error = decodingError(Everything.self, from: Array(bytes[..<length]))
            #expect(error is DecodingError, "prefix of \(length) of \(bytes.count) bytes: \(String(describing: error))")
        }
        #expect(decodingError(Everything.self, from: bytes) == nil)
    }

    @Test func everyByteChangedNeverTraps() throws {
        // Corrupt input may decode to another value or throw, but must not crash or hang.
        let bytes = try binaryBytes(Everything.sample)
        var threw = 0
        for index in bytes.indices {
            for replacement: UInt8 in [0x00, 0x01, 0x7f, 0x80, 0xff] where bytes[index] != replacement {
                var corrupt = bytes
                corrupt[index] = replacement
                if decodingError(Everything.self, from: corrupt) != nil { threw += 1 }
            }
        }
        #expect(threw > bytes.count)
    }

    @Test func hugeLengthsAndCountsAreRefusedWithoutAllocating() throws {
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]  // UInt64.max
        for type in [String.self, Data.self, [UInt8].self, [Int].self, [String: Int].self, Set<Int>.self] as [any Decodable.Type] {
            let error = decodingError(type, from: huge + [1, 2, 3])
            #expect(error is DecodingError, "\(type): \(String(describing: error))")
        }
        // 2^40 elements claimed with 3 bytes left.
        let large: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3]
        #expect(decodingError([Empty].self, from: large) is DecodingError)
        // An 11-byte varint overflows 64 bits.
        #expect(decodingError(Int.self, from: [UInt8](repeating: 0xff, count: 10) + [0x02]) is DecodingError)
    }

    @Test func valuesOutOfRangeOrInvalidAreCorrupt() throws {
        #expect(decodingError(Int8.self, from: try binaryBytes(300)) is DecodingError)
        #expect(decodingError(UInt8.self, from: try binaryBytes(UInt64(256))) is DecodingError)
        #expect(decodingError(Bool.self, from: [2]) is DecodingError)
        #expect(decodingError(String.self, from: [2, 0xc3, 0x28]) is DecodingError)  // invalid UTF-8
        #expect(decodingError(Int?.self, from: [7, 0]) is DecodingError)  // presence byte 7
        #expect(decodingError([String: Int].self, from: [2, 1, 0x61, 2, 1, 0x61, 4]) is DecodingError)  // key "a" twice
        #expect(decodingError(Point.self, from: [1 << 2 | 0, 2]) is DecodingError)  // refers to key #1 of none
        #expect(decodingError(Point.self, from: [3, 1, 0x78, 2]) is DecodingError)  // tag state 3
    }

    @Test func deeplyNestedInputStopsAtTheDepthLimit() throws {
        // Build `link(link(…(end)))` 5,000 deep by repeating the bytes one more level adds.
        let two = try binaryBytes(Chain.link(.link(.end)))
        let three = try binaryBytes(Chain.link(.link(.link(.end))))
        let common = zip(two, three).prefix { $0 == $1 }.count
        let level = Array(three[common..<(common + three.count - two.count)])
        let deep = Array(three[..<common]) + Array([[UInt8]](repeating: level, count: 5_000).joined()) + three[common...]
        let error = try #require(decodingError(Chain.self, from: deep) as? DecodingError)
        guard case .dataCorrupted(let context) = error else { Issue.record("got \(error)"); return }
        #expect(context.debugDescription.contains("nested more than \(BinaryItemDecoder.maxDepth) deep"))
        // 100 levels are fine.
        let shallow = Array(three[..<common]) + Array([[UInt8]](repeating: level, count: 100).joined()) + three[common...]
        #expect(decodingError(Chain.self, from: shallow) == nil)
    }

    @Test func aRangeOutsideTheBufferIsRefused() {
        #expect(throws: DecodingError.self) { try BinaryItemDecoder(bytes: [1, 2], range: 1..<3) }
    }
}
