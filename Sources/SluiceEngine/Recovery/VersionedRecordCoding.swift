/// The compact binary form of ``VersionedRecord`` lists sent between
/// processes at start: per record the step, the key (each a 32-bit length
/// and UTF-8), the epoch (64 bits) and the state (a 32-bit length, or
/// `0xFFFF_FFFF` for a discarded key, and its bytes), little-endian.
///
/// ```swift
/// let bytes = VersionedRecordCoding.encode(records)
/// let back = try VersionedRecordCoding.decode(bytes)   // == records
/// ```
package enum VersionedRecordCoding {
    private static let discarded = UInt32.max

    /// Encodes records.
    package static func encode(_ records: [VersionedRecord]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 48)
        for record in records {
            appendString(record.step, to: &bytes)
            appendString(record.key, to: &bytes)
            append(UInt64(bitPattern: record.epoch), to: &bytes)
            if let state = record.state {
                append(UInt32(state.count), to: &bytes)
                bytes.append(contentsOf: state)
            } else {
                append(discarded, to: &bytes)
            }
        }
        return bytes
    }

    /// Decodes what ``encode(_:)`` wrote.
    /// - Throws: `WireError` when the bytes end early.
    package static func decode(_ bytes: [UInt8]) throws -> [VersionedRecord] {
        var records: [VersionedRecord] = []
        var offset = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else {
                throw WireError("resume state ends early (at byte \(offset) of \(bytes.count))")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }
        func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            var value: T = 0
            for (shift, byte) in try take(MemoryLayout<T>.size).enumerated() { value |= T(byte) << (shift * 8) }
            return value
        }
        func string() throws -> String { String(decoding: try take(Int(try integer(UInt32.self))), as: UTF8.self) }
        while offset < bytes.count {
            let step = try string()
            let key = try string()
            let epoch = Int64(bitPattern: try integer(UInt64.self))
            let length = try integer(UInt32.self)
            let state = length == discarded ? nil : Array(try take(Int(length)))
            records.append(VersionedRecord(step: step, key: key, epoch: epoch, state: state))
        }
        return records
    }

    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        append(UInt32(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { bytes.append(contentsOf: $0) }
    }
}
