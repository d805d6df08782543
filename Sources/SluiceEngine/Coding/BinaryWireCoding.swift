import Foundation

/// A type with its own binary wire form, written directly instead of through
/// `encode(to:)`: scalars, strings, `Data`, `Date`, and the collections and `Optional`,
/// whose generic `Codable` forms do not fit a positional format (a dictionary decodes through
/// `allKeys`, an `Optional` needs a presence marker).
///
/// ```swift
/// try 42.writeBinary(to: encoder)   // the zigzag varint 84
/// ```
package protocol BinaryWireEncodable {
    /// Writes the value in stream position.
    func writeBinary(to encoder: BinaryItemEncoder) throws
}

/// The reading side of `BinaryWireEncodable`.
///
/// ```swift
/// let n = try Int.readBinary(from: decoder)
/// ```
package protocol BinaryWireDecodable {
    /// Reads a value written by `writeBinary(to:)`.
    static func readBinary(from decoder: BinaryItemDecoder) throws -> Self
}

/// `Optional` as a keyed field: nil is the key tag's state, a value follows the tag.
///
/// ```swift
/// if let optional = value as? any BinaryOptionalEncoding, !optional.hasBinaryValue { /* nil */ }
/// ```
package protocol BinaryOptionalEncoding {
    /// Whether this is `.some`.
    var hasBinaryValue: Bool { get }
    /// Writes the wrapped value (only when `hasBinaryValue`).
    func writeBinaryWrapped(to encoder: BinaryItemEncoder) throws
}

/// The reading side of `BinaryOptionalEncoding`.
///
/// ```swift
/// let none = (Int?.self as any BinaryOptionalDecoding.Type).binaryNone
/// ```
package protocol BinaryOptionalDecoding {
    /// `.none`.
    static var binaryNone: Self { get }
    /// Reads the wrapped value and returns it as `.some`.
    static func readBinaryWrapped(from decoder: BinaryItemDecoder) throws -> Self
}

// MARK: - Scalars

extension BinaryWireEncodable where Self: FixedWidthInteger & SignedInteger {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.writeSigned(Int64(self)) }
}

extension BinaryWireDecodable where Self: FixedWidthInteger & SignedInteger {
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Self { try decoder.readSigned(Self.self) }
}

extension BinaryWireEncodable where Self: FixedWidthInteger & UnsignedInteger {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.writeVarint(UInt64(self)) }
}

extension BinaryWireDecodable where Self: FixedWidthInteger & UnsignedInteger {
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Self { try decoder.readUnsigned(Self.self) }
}

extension Int: BinaryWireEncodable, BinaryWireDecodable {}
extension Int8: BinaryWireEncodable, BinaryWireDecodable {}
extension Int16: BinaryWireEncodable, BinaryWireDecodable {}
extension Int32: BinaryWireEncodable, BinaryWireDecodable {}
extension Int64: BinaryWireEncodable, BinaryWireDecodable {}
extension UInt: BinaryWireEncodable, BinaryWireDecodable {}
extension UInt8: BinaryWireEncodable, BinaryWireDecodable {}
extension UInt16: BinaryWireEncodable, BinaryWireDecodable {}
extension UInt32: BinaryWireEncodable, BinaryWireDecodable {}
extension UInt64: BinaryWireEncodable, BinaryWireDecodable {}

extension Bool: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.bytes.append(self ? 1 : 0) }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Bool { try decoder.readBool() }
}

extension Double: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.writeFixed(bitPattern) }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Double {
        Double(bitPattern: try decoder.readFixed(UInt64.self))
    }
}

extension Float: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.writeFixed(bitPattern) }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Float {
        Float(bitPattern: try decoder.readFixed(UInt32.self))
    }
}

extension String: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) { encoder.writeString(self) }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> String { try decoder.readString() }
}

extension Data: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) {
        encoder.writeVarint(UInt64(count))
        encoder.bytes.append(contentsOf: self)
    }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Data { Data(try decoder.readByteSlice()) }
}

extension Date: BinaryWireEncodable, BinaryWireDecodable {
    package func writeBinary(to encoder: BinaryItemEncoder) { timeIntervalSince1970.writeBinary(to: encoder) }
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Date {
        Date(timeIntervalSince1970: try Double.readBinary(from: decoder))
    }
}

// MARK: - Optional

extension Optional: BinaryWireEncodable, BinaryOptionalEncoding where Wrapped: Encodable {
    package func writeBinary(to encoder: BinaryItemEncoder) throws {
        guard let self else { return encoder.bytes.append(BinaryWireFormat.none) }
        encoder.bytes.append(BinaryWireFormat.some)
        try encoder.encodeValue(self)
    }
    package var hasBinaryValue: Bool { self != nil }
    package func writeBinaryWrapped(to encoder: BinaryItemEncoder) throws {
        if let self { try encoder.encodeValue(self) }
    }
}

extension Optional: BinaryWireDecodable, BinaryOptionalDecoding where Wrapped: Decodable {
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> Wrapped? {
        switch try decoder.readByte() {
        case BinaryWireFormat.none: return nil
        case BinaryWireFormat.some: return try decoder.decodeValue(Wrapped.self)
        case let other: throw decoder.corrupt("presence byte \(other) of an Optional<\(Wrapped.self)> (expected 0 or 1)")
        }
    }
    package static var binaryNone: Wrapped? { nil }
    package static func readBinaryWrapped(from decoder: BinaryItemDecoder) throws -> Wrapped? {
        try decoder.decodeValue(Wrapped.self)
    }
}

// MARK: - Collections

extension Array: BinaryWireEncodable where Element: Encodable {
    package func writeBinary(to encoder: BinaryItemEncoder) throws {
        if Element.self == UInt8.self, let bytes = self as? [UInt8] {
            return bytes.withUnsafeBufferPointer { encoder.writeBytes($0) }
        }
        encoder.writeVarint(UInt64(count))
        let depth = encoder.path.count
        for (index, element) in enumerated() {
            try encoder.withPath(BinaryIndexKey(index), depth: depth) { try encoder.encodeValue(element) }
        }
    }
}

extension Array: BinaryWireDecodable where Element: Decodable {
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> [Element] {
        if Element.self == UInt8.self {
            return [UInt8](try decoder.readByteSlice()) as! [Element]
        }
        let count = try decoder.readCount()
        var array: [Element] = []
        array.reserveCapacity(decoder.reservation(for: count))
        let depth = decoder.path.count
        for index in 0..<count {
            array.append(try decoder.withPath(BinaryIndexKey(index), depth: depth) { try decoder.decodeValue(Element.self) })
        }
        return array
    }
}

extension Dictionary: BinaryWireEncodable where Key: Encodable, Value: Encodable {
    package func writeBinary(to encoder: BinaryItemEncoder) throws {
        encoder.writeVarint(UInt64(count))
        let depth = encoder.path.count
        for (index, (key, value)) in enumerated() {
            try encoder.withPath(BinaryIndexKey(index), depth: depth) {
                try encoder.encodeValue(key)
                try encoder.encodeValue(value)
            }
        }
    }
}

extension Dictionary: BinaryWireDecodable where Key: Decodable, Value: Decodable {
    package static func readBinary(from decoder: BinaryItemDecoder) throws -> [Key: Value] {
        let count = try decoder.readCount()
        var dictionary: [Key: Value] = [:]
        dictionary.reserveCapacity(decoder.reservation(for: count))
        let depth = decoder.path.count
        for index in 0..<count {
            try decoder.withPath(BinaryIndexKey(index), depth: depth) {
                let key = try decoder.decodeValue(Key.self)
                guard dictionary.updateValue(try decoder.decodeValue(Value.self), forKey: key) == nil else {
                    throw decoder.corrupt("duplicate dictionary key \(key)")
                }
            }
        }
        return dictionary
    }
}
