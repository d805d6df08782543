/// Start-up exchanges too large for one frame (frames are limited to
/// 64 MiB, and a peer's send buffer too): each process's payload goes in
/// chunks, one synchronization step per chunk.
///
/// ```swift
/// let everyones = try network.syncChunked(base: 100_000, payload: encodedState)
/// ```
extension WorkerNetwork {
    /// The largest chunk sent in one step (16 MiB).
    package static let syncChunkBytes = 16 << 20

    /// Like `sync`, for payloads of any size: returns every process's
    /// payload, by process. Uses steps `base` (the chunk counts) to
    /// `base + 1 + chunks`; give each exchange its own range.
    /// - Throws: `DataflowError.clusterFailed` when a peer fails or does not arrive.
    package func syncChunked(base: Int, payload: [UInt8], timeout: Double = 120) throws -> [[UInt8]] {
        guard transport != nil else { return [payload] }
        let size = Self.syncChunkBytes
        let chunks = stride(from: 0, to: payload.count, by: size).map { Array(payload[$0..<min($0 + size, payload.count)]) }
        let counts = try sync(step: base, payload: Self.bytes(of: UInt32(chunks.count)), timeout: timeout).map { bytes in
            guard bytes.count == 4 else {
                throw DataflowError.clusterFailed(reason: "a start-up chunk count has \(bytes.count) bytes, not 4")
            }
            return Int(bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        var assembled = counts.map { _ in [UInt8]() }
        for index in 0..<(counts.max() ?? 0) {
            let received = try sync(step: base + 1 + index, payload: index < chunks.count ? chunks[index] : [], timeout: timeout)
            for (process, chunk) in received.enumerated() { assembled[process].append(contentsOf: chunk) }
        }
        return assembled
    }

    private static func bytes(of value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
