/// How a store notices that a file went back in time (see ``LostEpochs``):
/// each write records in its own transaction the collection threshold its
/// writer knew (`committed_through` in the file's `meta`), and once the
/// write is durable the new threshold is witnessed in the next partition
/// file when no worker of the execution writes that file (fewer workers
/// than files), so even a store that only one worker writes notices when
/// that file lost commits. A file some worker writes needs no witness: its
/// own writes record the threshold, which a sibling that went back falls
/// short of. A store of one partition file has no sibling to witness it:
/// only the thresholds of its own transactions protect it.
///
/// ```swift
/// // part-0 written at epoch 57 by the only worker: part-1 records committed_through = 57
/// ```
extension SQLiteRecoveryStore {
    /// The upsert that only ever raises `committed_through`.
    private static let raiseCommittedThrough = """
        INSERT INTO meta (key, value) VALUES ('\(RecoverySchema.committedThroughKey)', ?1)
        ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)
        """

    /// Raises the file's `committed_through` to `epoch`, inside the caller's
    /// transaction (and the partition's lock).
    func recordCommittedThrough(_ epoch: Int64, in partition: RecoveryPartition) throws {
        let raise = try partition.statement(Self.raiseCommittedThrough)
        try raise.bind(epoch, at: 1)
        try raise.run()
    }

    /// After a durable write to `partition`: checkpoints it after its first
    /// write (so its history is in the database file, not only in its
    /// write-ahead log), and witnesses the threshold now known in the next
    /// file when no worker writes that one.
    func afterWrite(_ partition: RecoveryPartition, known: Int64?) throws {
        try partition.withConnection { db in
            guard !partition.checkpointedAfterFirstWrite else { return }
            partition.checkpointedAfterFirstWrite = true
            try db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        guard let known, partitions.count > 1 else { return }
        let next = partitions[(partition.index + 1) % partitions.count]
        // Worker w writes file w mod P: a file some worker of this store writes records the threshold itself.
        let writers = state.withLock { $0.localWorkers ?? 0..<$0.tracker.workerCount }
        guard !writers.contains(where: { $0 % partitions.count == next.index }) else { return }
        try next.withConnection { _ in
            if let witnessed = next.witnessedThrough, witnessed >= known { return }
            try recordCommittedThrough(known, in: next)
            next.witnessedThrough = known
        }
    }
}
