import Foundation

/// The identity rules of a recovery store: every file carries the same
/// random store id (written when the store is created), its own partition
/// index, and, once claimed, the same flow id. A file that disagrees was
/// replaced by another store's file, renamed, or lost its metadata (its
/// write-ahead log deleted or damaged); it is refused, never re-created.
/// Stores written before store ids (no file has one) are upgraded once.
///
/// ```swift
/// if let problem = StoreIdentity.problems(files, flowID: "orders").first { throw problem }
/// try StoreIdentity.upgradeAndClaim(files, connections: connections, flowID: "orders")
/// ```
enum StoreIdentity {
    /// What is wrong with the files' identities, one error per file.
    /// - Parameters:
    ///   - files: Every partition file's identity, by index.
    ///   - flowID: The dataflow opening the store; nil to skip the flow check
    ///     (a read-only check reports differing flows itself).
    /// - Returns: The problems, the most telling first; empty when the files agree.
    static func problems(_ files: [FileIdentity], flowID: String?) -> [RecoveryStoreError] {
        var problems: [RecoveryStoreError] = []
        let withID = files.filter { $0.storeID != nil }
        if !withID.isEmpty {
            for file in files where file.storeID == nil {
                problems.append(.lostMetadata(path: file.path, what: "store id"))
            }
            let counts = Dictionary(withID.map { ($0.storeID!, 1) }, uniquingKeysWith: +)
            // The id most files hold; on a tie, the lowest file's.
            let expected = withID.max { a, b in
                let (ca, cb) = (counts[a.storeID!]!, counts[b.storeID!]!)
                return ca != cb ? ca < cb : a.index > b.index
            }!
            for file in withID where file.storeID != expected.storeID {
                problems.append(.differentStore(
                    path: file.path, stored: file.storeID!, expected: expected.storeID!, expectedIn: expected.path))
            }
            for file in withID where file.partitionIndex == nil {
                problems.append(.lostMetadata(path: file.path, what: "partition index"))
            }
        }
        for file in files {
            if let recorded = file.partitionIndex, recorded != String(file.index) {
                problems.append(.wrongPartitionIndex(path: file.path, recorded: recorded))
            }
        }
        if let flowID {
            for file in files {
                if let stored = file.flowID, stored != flowID {
                    problems.append(.differentFlow(path: file.path, stored: stored, expected: flowID))
                }
            }
        }
        // A claimed store's file without a flow id lost it (a claim interrupted
        // before any history was written is finished instead).
        if files.contains(where: { $0.flowID != nil }) && files.contains(where: \.hasHistory) {
            for file in files where file.flowID == nil {
                problems.append(.lostMetadata(path: file.path, what: "flow id"))
            }
        }
        return problems
    }

    /// Gives a store written before store ids one (a fresh id in every
    /// file, with each file's index), and claims unclaimed files for
    /// `flowID`; then checkpoints each changed file, so its identity is in
    /// the database file itself, not only in its write-ahead log.
    /// Call after ``problems(_:flowID:)`` found none.
    /// - Throws: An SQLite error naming the file.
    static func upgradeAndClaim(_ files: [FileIdentity], connections: [SQLiteConnection], flowID: String) throws {
        let upgrade = files.allSatisfy { $0.storeID == nil }
        let storeID = UUID().uuidString.lowercased()
        for (file, db) in zip(files, connections) where upgrade || file.flowID == nil {
            try db.transaction {
                if upgrade {
                    try RecoveryDirectory.setMeta(RecoverySchema.storeIDKey, storeID, in: db)
                    try RecoveryDirectory.setMeta(RecoverySchema.partitionIndexKey, String(file.index), in: db)
                }
                if file.flowID == nil {
                    try RecoveryDirectory.setMeta(RecoverySchema.flowIDKey, flowID, in: db)
                }
            }
            try db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}
