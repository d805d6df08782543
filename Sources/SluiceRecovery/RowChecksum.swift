/// The checksum of one snapshot row: a 64-bit hash over its step, key,
/// epoch and state (each field length-prefixed, so no two rows hash the
/// same bytes), stored with the row and verified when a resume point is
/// loaded. SQLite keeps no checksum of row contents, so without it a changed
/// byte in a stored state would be resumed from silently.
///
/// The hash is FNV-1a's step taken 8 bytes at a time (xor a little-endian
/// word, multiply by the FNV prime) followed by an xor-shift, so high input
/// bits reach low output bits too; every step is a bijection of the state,
/// so any one changed word always changes the checksum. It is a check
/// against damage, not against tampering. A word at a time is about 8×
/// fewer multiplications than FNV-1a's byte at a time, which mattered: the
/// checksums are computed for every row of every snapshot write.
///
/// ```swift
/// let sum = RowChecksum.of(step: "flow.count", key: "apple", epoch: 7, state: [1, 2])
/// ```
enum RowChecksum {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The checksum of a row, as SQLite stores it (the hash's bit pattern).
    /// - Parameters:
    ///   - step: The step id.
    ///   - key: The key.
    ///   - epoch: The row's epoch.
    ///   - state: The state, nil for a discarded key.
    /// - Returns: The checksum.
    static func of(step: String, key: String, epoch: Int64, state: [UInt8]?) -> Int64 {
        var hash = offsetBasis
        var step = step
        var key = key
        step.withUTF8 { mix($0, into: &hash) }
        key.withUTF8 { mix($0, into: &hash) }
        mix(UInt64(bitPattern: epoch), into: &hash)
        if let state {
            state.withUnsafeBufferPointer { mix($0, into: &hash) }
        } else {
            mix(UInt64.max, into: &hash)
        }
        return Int64(bitPattern: hash)
    }

    /// Checks a stored row against its checksum.
    /// - Parameters:
    ///   - path: The file (named in the error).
    ///   - step: The row's step.
    ///   - key: The row's key.
    ///   - epoch: The row's epoch.
    ///   - state: The row's state.
    ///   - stored: Its stored checksum (nil: NULL).
    ///   - uncheckedThrough: The newest epoch of rows written before
    ///     checksums in this file (nil: every row must have one).
    /// - Returns: The error to report, or nil when the row is sound.
    static func verify(
        path: String, step: String, key: String, epoch: Int64, state: [UInt8]?, stored: Int64?, uncheckedThrough: Int64?
    ) -> RecoveryStoreError? {
        guard let stored else {
            if let uncheckedThrough, epoch <= uncheckedThrough { return nil }
            return .checksumMismatch(path: path, step: step, key: key, epoch: epoch, missing: true)
        }
        guard stored == of(step: step, key: key, epoch: epoch, state: state) else {
            return .checksumMismatch(path: path, step: step, key: key, epoch: epoch, missing: false)
        }
        return nil
    }

    /// Mixes a length prefix and the bytes, 8 at a time (the last 0–7 zero-padded).
    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        mix(UInt64(bytes.count), into: &hash)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            mix(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)), into: &hash)
            offset += 8
        }
        if offset < raw.count {
            var last: UInt64 = 0
            for (shift, byte) in raw[offset...].enumerated() { last |= UInt64(byte) << UInt64(8 * shift) }
            mix(last, into: &hash)
        }
    }

    /// Mixes one 64-bit word.
    private static func mix(_ value: UInt64, into hash: inout UInt64) {
        hash ^= value
        hash &*= prime
        hash ^= hash >> 29
    }
}
