/// Each step's and key's latest version at or before an epoch, merged over
/// the partition files (a key may have rows in several files after a
/// rescale; the highest epoch wins). Used to build a resume point and to
/// count live keys.
///
/// ```swift
/// var latest = LatestVersions<[UInt8]?>()
/// for partition in partitions {
///     try latest.read(partition.db, atOrBefore: 12, withState: true)
/// }
/// ```
struct LatestVersions<Payload> {
    /// By step, then key: the winning version's epoch and payload.
    private(set) var versions: [String: [String: (epoch: Int64, payload: Payload)]] = [:]

    /// Keeps `payload` for the step and key if `epoch` is newer than what is known.
    mutating func offer(step: String, key: String, epoch: Int64, payload: Payload) {
        if let known = versions[step]?[key], known.epoch >= epoch { return }
        versions[step, default: [:]][key] = (epoch, payload)
    }
}

extension LatestVersions where Payload == [UInt8]? {
    /// Offers every key's latest row of one file at or before `epoch`, with
    /// its state (nil: discarded), each checked against its checksum.
    /// - Throws: ``RecoveryStoreError/checksumMismatch(path:step:key:epoch:missing:)``
    ///   for a row that does not match its checksum, or lacks one though
    ///   written after checksums; an SQLite error.
    /// - Parameter floor: Rows older than this are ignored (decision 0018's read floor; 0: none).
    mutating func read(
        _ db: SQLiteConnection, atOrBefore epoch: Int64, floor: Int64 = 0, verifyingChecksums: Bool
    ) throws {
        let unchecked = try RecoveryDirectory.meta(RecoverySchema.unchecksummedThroughKey, in: db).flatMap { Int64($0) }
        // SQLite takes the bare columns `state` and `checksum` from the row holding max(epoch).
        let query = try db.prepare(
            "SELECT step, key, max(epoch), state, checksum FROM snapshots WHERE epoch <= ?1 AND epoch >= ?2 GROUP BY step, key")
        try query.bind(epoch, at: 1)
        try query.bind(floor, at: 2)
        while try query.step() {
            let (step, key, rowEpoch) = (query.string(at: 0) ?? "", query.string(at: 1) ?? "", query.int64(at: 2) ?? 0)
            let state = query.blob(at: 3)
            if verifyingChecksums, let problem = RowChecksum.verify(
                path: db.path, step: step, key: key, epoch: rowEpoch, state: state,
                stored: query.int64(at: 4), uncheckedThrough: unchecked) {
                throw problem
            }
            offer(step: step, key: key, epoch: rowEpoch, payload: state)
        }
    }
}

extension LatestVersions where Payload == Bool {
    /// Offers every key's latest row of one file at or before `epoch`, with
    /// whether it is live (true) or discarded (false), without reading states.
    mutating func readLiveness(_ db: SQLiteConnection, atOrBefore epoch: Int64) throws(SQLiteError) {
        let query = try db.prepare(
            "SELECT step, key, max(epoch), state IS NOT NULL FROM snapshots WHERE epoch <= ?1 GROUP BY step, key")
        try query.bind(epoch, at: 1)
        while try query.step() {
            offer(step: query.string(at: 0) ?? "", key: query.string(at: 1) ?? "", epoch: query.int64(at: 2) ?? 0,
                  payload: query.int64(at: 3) != 0)
        }
    }
}
