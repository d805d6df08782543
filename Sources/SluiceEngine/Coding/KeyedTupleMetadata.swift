/// Finds `V` in a tuple type `(key: String, value: V)` known only as a metatype.
///
/// Why this reads runtime metadata: generic engine code (a keyed stream going into a sink)
/// holds items of a type `Item` that is such a tuple, and tuples cannot conform to protocols,
/// so `Item.self as? any Codable.Type` fails and Swift offers no API to get a tuple type's
/// element types without an instance. Swift's tuple type metadata (the ABI-stable
/// `TargetTupleTypeMetadata`: kind word, element count, labels string, then per element its
/// type metadata and 32-bit byte offset, two words each) holds them. Nothing is trusted
/// unchecked: the kind must be the tuple kind, the count 2, the labels exactly `"key value "`,
/// element 0 `String` at offset 0 and element 1 at `String`'s stride; and the caller
/// (`ItemCodec.detect()`) rebuilds `(key: String, value: V).self` and compares it with the
/// original type before using it.
/// Anything unexpected returns nil, which means "not Codable".
///
/// ```swift
/// KeyedTupleMetadata.valueType(of: (key: String, value: Int).self)   // Int.self
/// KeyedTupleMetadata.valueType(of: (String, Int).self)               // nil (no labels)
/// ```
package enum KeyedTupleMetadata {
    /// `MetadataKind::Tuple` (1 | runtime-private 0x100 | non-heap 0x200).
    private static let tupleKind: UInt = 0x301

    /// The value type of a `(key: String, value: V)` tuple type, or nil for any other type.
    /// - Parameter type: Any metatype.
    /// - Returns: `V.self`, or nil.
    package static func valueType(of type: Any.Type) -> Any.Type? {
        let word = MemoryLayout<UInt>.size
        let metadata = unsafeBitCast(type, to: UnsafeRawPointer.self)
        // Every type's metadata starts with its kind word.
        guard metadata.load(as: UInt.self) == tupleKind,
            metadata.load(fromByteOffset: word, as: UInt.self) == 2,
            let labels = metadata.load(fromByteOffset: 2 * word, as: UnsafePointer<CChar>?.self),
            String(cString: labels) == "key value "
        else { return nil }
        let elements = 3 * word  // each element: type metadata pointer, byte offset
        let stringMetadata = unsafeBitCast(String.self, to: UnsafeRawPointer.self)
        guard metadata.load(fromByteOffset: elements, as: UnsafeRawPointer.self) == stringMetadata,
            // An element's offset is 32 bits (the rest of its word is padding, not always zero).
            metadata.load(fromByteOffset: elements + word, as: UInt32.self) == 0,
            metadata.load(fromByteOffset: elements + 3 * word, as: UInt32.self) == UInt32(MemoryLayout<String>.stride),
            let value = metadata.load(fromByteOffset: elements + 2 * word, as: UnsafeRawPointer?.self)
        else { return nil }
        return unsafeBitCast(value, to: Any.Type.self)
    }
}
