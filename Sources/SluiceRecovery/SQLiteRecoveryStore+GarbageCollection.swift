import Foundation
import SluiceEngine

/// Garbage collection, with T = committed epoch − ``SQLiteRecoveryStore/backupEpochs``
/// (the collection threshold). A resume from any epoch R ≥ T reads each key's
/// latest version at or before R, over all files; so:
///
/// - a version is deleted once a newer version of the same key, in the same
///   file, is at or before T (any R ≥ T prefers that one);
/// - a discarded-key marker at or before T is deleted once no older version of
///   the key is left in any file (reading it or nothing then gives the same);
/// - `progress` rows of executions that no longer define the committed epoch go.
///
/// When: each write prunes the keys it wrote (indexed, no scan); a periodic
/// sweep of the written file (``SQLiteRecoveryStore/sweepEveryEpochs``)
/// handles keys no longer written and discarded keys; `beginExecution`
/// compacts every file, across files too (a rescale moves keys between files).
///
/// ```swift
/// let store = try SQLiteRecoveryStore(directory: dir, flowID: "f", backupEpochs: 3)
/// // after each write: versions superseded at or before committed − 3 are gone
/// ```
extension SQLiteRecoveryStore {
    /// One version of a key in a file.
    struct VersionRef: Hashable {
        let step: String
        let key: String
        let epoch: Int64
    }

    /// Deletes, in the write's transaction, the versions of each written key
    /// older than its newest version at or before `threshold`.
    func pruneSuperseded(_ records: [SnapshotRecord], in partition: RecoveryPartition, threshold: Int64) throws {
        let prune = try partition.statement(
            """
            DELETE FROM snapshots WHERE step = ?1 AND key = ?2 AND epoch < (
                SELECT max(epoch) FROM snapshots WHERE step = ?1 AND key = ?2 AND epoch <= ?3)
            """)
        for record in records {
            prune.reset()
            try prune.bind(record.step.rawValue, at: 1)
            try prune.bind(record.key, at: 2)
            try prune.bind(threshold, at: 3)
            try prune.run()
        }
    }

    /// Sweeps `partition` when the threshold has moved far enough since its
    /// last sweep (and enough time has passed); another worker sharing the
    /// file skips while one sweeps.
    func sweepIfDue(_ partition: RecoveryPartition) throws {
        let backupEpochs = self.backupEpochs
        let (threshold, complete, execution) = state.withLock {
            ($0.tracker.collectionThreshold(backupEpochs: backupEpochs), $0.tracker.isComplete, $0.execution)
        }
        guard let threshold else { return }
        let now = ContinuousClock.now
        let (everyEpochs, minimumSeconds) = (sweepEveryEpochs, sweepMinimumSeconds)
        let due = partition.withConnection { _ -> Bool in
            guard !partition.isSweeping else { return false }
            if let last = partition.lastSweepThreshold, threshold - last < everyEpochs { return false }
            if let last = partition.lastSweepTime, last.duration(to: now) < .seconds(minimumSeconds) { return false }
            partition.isSweeping = true
            return true
        }
        guard due else { return }
        defer { partition.withConnection { _ in partition.isSweeping = false } }

        let candidates = try partition.withConnection { db in
            try db.transaction {
                try Self.deleteSuperseded(in: db, threshold: threshold)
                if complete {
                    // Every worker of this execution has written: earlier executions no longer define the commit.
                    let old = try partition.statement("DELETE FROM progress WHERE execution < ?1")
                    try old.bind(execution, at: 1)
                    try old.run()
                }
            }
            return try Self.discardedWithNothingOlder(in: db, threshold: threshold)
        }
        // Never hold two files' locks at once: check the other files one by one.
        var deletable = candidates
        for other in partitions where other !== partition && !deletable.isEmpty {
            deletable = try other.withConnection { db in
                try deletable.filter { try !Self.hasVersion(of: $0, olderThan: $0.epoch, in: db) }
            }
        }
        try partition.withConnection { db in
            if !deletable.isEmpty {
                try db.transaction { try Self.deleteMarkers(deletable, in: db) }
            }
            partition.lastSweepThreshold = threshold
            partition.lastSweepTime = now
        }
    }

    /// Before a new execution: drops what belongs to no complete snapshot
    /// (versions after the committed epoch, progress of executions that do not
    /// define it), then collects every file, across files.
    func compactForNewExecution(committed: Int64?, progress: [ProgressRow]) throws {
        let winners = ProgressRow.committedEpochs(progress).filter { $0.value == committed }.keys
        let keep = winners.isEmpty ? "" : " WHERE execution NOT IN (\(winners.map(String.init).joined(separator: ",")))"
        for partition in partitions {
            try partition.withConnection { db in
                try db.transaction {
                    let stale = try db.prepare("DELETE FROM snapshots WHERE epoch > ?1")
                    try stale.bind(committed ?? 0, at: 1)
                    try stale.run()
                    try db.execute("DELETE FROM progress" + keep)
                }
            }
        }
        guard let committed else { return }
        try collect(threshold: committed - Int64(backupEpochs))
    }

    /// Once a re-homing execution's first epoch is committed across the
    /// cluster, every live key has a version at or after it in its owner's
    /// store: older rows, and the progress and membership of earlier
    /// executions, are deleted from every file (decision 0018).
    func dropBeforeRehome(_ first: Int64) throws {
        let execution = state.withLock { $0.execution }
        for partition in partitions {
            try partition.withConnection { db in
                try db.transaction {
                    let old = try db.prepare("DELETE FROM snapshots WHERE epoch < ?1")
                    try old.bind(first, at: 1)
                    try old.run()
                    let progress = try db.prepare("DELETE FROM progress WHERE execution < ?1")
                    try progress.bind(execution, at: 1)
                    try progress.run()
                    let membership = try db.prepare("DELETE FROM membership WHERE execution < ?1")
                    try membership.bind(execution, at: 1)
                    try membership.run()
                }
            }
        }
    }

    /// Collects every file at `threshold`, across files too.
    func collect(threshold: Int64) throws {
        try deleteSupersededAcrossFiles(threshold: threshold)
        let now = ContinuousClock.now
        for partition in partitions {
            try partition.withConnection { db in
                try db.transaction {
                    try Self.deleteSuperseded(in: db, threshold: threshold)
                    // No file holds an older version any more (just deleted across files).
                    try Self.deleteMarkers(try Self.discardedWithNothingOlder(in: db, threshold: threshold), in: db)
                }
                partition.lastSweepThreshold = threshold
                partition.lastSweepTime = now
            }
        }
    }

    /// Deletes versions superseded by a newer version of the key in another
    /// file at or before `threshold` (keys that moved in a rescale).
    private func deleteSupersededAcrossFiles(threshold: Int64) throws {
        guard partitions.count > 1 else { return }
        var newest: [String: [String: [(file: Int, epoch: Int64)]]] = [:]
        for partition in partitions {
            try partition.withConnection { db in
                let query = try db.prepare("SELECT step, key, max(epoch) FROM snapshots WHERE epoch <= ?1 GROUP BY step, key")
                try query.bind(threshold, at: 1)
                while try query.step() {
                    newest[query.string(at: 0) ?? "", default: [:]][query.string(at: 1) ?? "", default: []]
                        .append((partition.index, query.int64(at: 2) ?? 0))
                }
            }
        }
        var deletions: [Int: [VersionRef]] = [:]
        for (step, keys) in newest {
            for (key, files) in keys where files.count > 1 {
                let latest = files.map(\.epoch).max()!
                for entry in files where entry.epoch < latest {
                    deletions[entry.file, default: []].append(VersionRef(step: step, key: key, epoch: latest))
                }
            }
        }
        for (index, versions) in deletions {
            try partitions[index].withConnection { db in
                try db.transaction {
                    try Self.run("DELETE FROM snapshots WHERE step = ?1 AND key = ?2 AND epoch < ?3", for: versions, in: db)
                }
            }
        }
    }

    /// Runs `sql` once per version, binding its step, key and epoch to ?1, ?2 and ?3.
    private static func run(_ sql: String, for versions: [VersionRef], in db: SQLiteConnection) throws(SQLiteError) {
        guard !versions.isEmpty else { return }
        let statement = try db.prepare(sql)
        for version in versions {
            statement.reset()
            try statement.bind(version.step, at: 1)
            try statement.bind(version.key, at: 2)
            try statement.bind(version.epoch, at: 3)
            try statement.run()
        }
    }

    /// Deletes every version older than its key's newest version at or before `threshold`, in one file.
    static func deleteSuperseded(in db: SQLiteConnection, threshold: Int64) throws(SQLiteError) {
        let delete = try db.prepare(
            """
            DELETE FROM snapshots WHERE epoch < ?1 AND epoch < (
                SELECT max(later.epoch) FROM snapshots AS later
                WHERE later.step = snapshots.step AND later.key = snapshots.key AND later.epoch <= ?1)
            """)
        try delete.bind(threshold, at: 1)
        try delete.run()
    }

    /// Discarded-key markers at or before `threshold` with no older version of the key in the same file.
    static func discardedWithNothingOlder(in db: SQLiteConnection, threshold: Int64) throws(SQLiteError) -> [VersionRef] {
        let query = try db.prepare(
            """
            SELECT step, key, epoch FROM snapshots AS s WHERE state IS NULL AND epoch <= ?1 AND NOT EXISTS (
                SELECT 1 FROM snapshots AS o WHERE o.step = s.step AND o.key = s.key AND o.epoch < s.epoch)
            """)
        try query.bind(threshold, at: 1)
        var found: [VersionRef] = []
        while try query.step() {
            found.append(VersionRef(step: query.string(at: 0) ?? "", key: query.string(at: 1) ?? "", epoch: query.int64(at: 2) ?? 0))
        }
        return found
    }

    /// True when the file holds a version of the key older than `epoch`.
    static func hasVersion(of version: VersionRef, olderThan epoch: Int64, in db: SQLiteConnection) throws(SQLiteError) -> Bool {
        let query = try db.prepare("SELECT 1 FROM snapshots WHERE step = ?1 AND key = ?2 AND epoch < ?3 LIMIT 1")
        try query.bind(version.step, at: 1)
        try query.bind(version.key, at: 2)
        try query.bind(epoch, at: 3)
        return try query.step()
    }

    /// Deletes discarded-key markers.
    static func deleteMarkers(_ markers: [VersionRef], in db: SQLiteConnection) throws(SQLiteError) {
        try run("DELETE FROM snapshots WHERE step = ?1 AND key = ?2 AND epoch = ?3 AND state IS NULL", for: markers, in: db)
    }
}
