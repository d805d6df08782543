import Foundation

/// Bytes as lowercase hex pairs separated by spaces, as the golden-byte tests
/// write their expected encodings.
///
/// ```swift
/// #expect(hex([0x01, 0xff]) == "01 ff")
/// ```
package func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
}
