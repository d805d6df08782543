/// A 64-bit FNV-1a hash over UTF-8 bytes: the same value in every process and
/// every run (unlike Swift's seeded `Hasher`), so keyed routing agrees across a
/// cluster and across restarts.
///
/// ```swift
/// let h = StableHash.fnv1a("apple")
/// let worker = StableHash.route("apple", workerCount: 4)   // 0..<4, the same everywhere
/// ```
public enum StableHash {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The FNV-1a hash of the string's UTF-8 bytes.
    /// - Parameter string: The text to hash.
    /// - Returns: A hash that never changes between processes or runs.
    @inlinable
    public static func fnv1a(_ string: String) -> UInt64 {
        var s = string
        return s.withUTF8 { fnv1a(bytes: $0) }
    }

    /// The FNV-1a hash of raw bytes.
    /// - Parameter bytes: The bytes to hash.
    /// - Returns: The 64-bit hash.
    @inlinable
    public static func fnv1a(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The worker that owns `key` among `workerCount` workers.
    /// - Parameters:
    ///   - key: The routing key.
    ///   - workerCount: How many workers the whole run has.
    /// - Returns: An index in `0..<workerCount`.
    @inlinable
    public static func route(_ key: String, workerCount: Int) -> Int {
        if workerCount == 1 { return 0 }
        // Mix the high bits in: FNV's low bits are weak for short keys.
        let h = fnv1a(key)
        return Int((h ^ (h >> 32)) % UInt64(workerCount))
    }
}
