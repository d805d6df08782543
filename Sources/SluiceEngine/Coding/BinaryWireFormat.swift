/// The constants of Sluice's binary item format, shared by `BinaryItemEncoder`
/// and `BinaryItemDecoder`. The format (docs/cluster.md, "Wire format of items"):
///
/// - integers: LEB128 varints, signed ones zigzag-mapped first;
/// - `Float`/`Double`: raw IEEE 754 bits, little-endian (4/8 bytes);
/// - `Bool`: one byte, 0 or 1;
/// - `String`, `Data`, `[UInt8]`: varint byte count, then the bytes (UTF-8 for strings);
/// - `Date`: a `Double` of seconds since 1970;
/// - `Optional` outside a keyed container: a presence byte (0 nil, 1 a value follows);
/// - arrays, sets, dictionaries, unkeyed containers: a varint element count, then the elements
///   (a dictionary's as key, value, key, value, …);
/// - keyed containers: each field in encode order as a key tag then the value. A tag is a varint
///   `ref << 2 | state`: `ref` 0 introduces a new key (its name follows as a string and it gets the
///   next number of the buffer's key table), `ref` n refers to key n of the table; `state` says
///   whether a value follows, the field is nil or it is absent (`encodeIfPresent` of nil).
///
/// ```swift
/// let tag = BinaryWireFormat.tag(ref: 3, state: .value)   // 12: key #3 of the table, a value follows
/// ```
package enum BinaryWireFormat {
    /// What follows a key tag.
    package enum FieldState: UInt64 {
        /// The field's value follows.
        case value = 0
        /// The field is nil (`encodeNil(forKey:)`, or an `Optional` that is nil); nothing follows.
        case null = 1
        /// The field was left out (`encodeIfPresent` of nil); nothing follows.
        case absent = 2
    }

    /// The presence byte of a nil `Optional` outside keyed containers.
    package static let none: UInt8 = 0
    /// The presence byte of an `Optional` that holds a value.
    package static let some: UInt8 = 1

    /// A key tag for key number `ref` (0 for a key that is new to the buffer).
    /// - Parameters:
    ///   - ref: 0 for a new key, else its 1-based number in the buffer's key table.
    ///   - state: What follows the tag.
    /// - Returns: The varint value to write.
    @inline(__always)
    package static func tag(ref: Int, state: FieldState) -> UInt64 {
        UInt64(ref) << 2 | state.rawValue
    }

    /// The width of the count an unkeyed container writes before it knows its size: a varint
    /// padded with continuation bytes to 5 bytes (any reader of plain varints reads it).
    package static let paddedCountWidth = 5

    /// Fewer elements than this may be claimed beyond the bytes left (elements of zero bytes,
    /// such as empty structs); a larger claim is corrupt input.
    package static let zeroSizeElementAllowance = 1 << 16
}
