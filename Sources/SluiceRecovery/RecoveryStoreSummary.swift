/// What a recovery directory holds, as `sluice recovery inspect` shows it:
/// its dataflow, format, partition files, committed epoch, executions and
/// each step's keys at the committed epoch.
///
/// ```swift
/// let summary = try SQLiteRecoveryStore.inspect(directory: "/var/lib/job/recovery")
/// print(summary.flowID ?? "unclaimed", summary.committedEpoch ?? 0)
/// for step in summary.steps { print(step.id, step.liveKeys) }
/// ```
public struct RecoveryStoreSummary: Sendable, Codable, Equatable {
    /// One partition file.
    public struct PartitionFile: Sendable, Codable, Equatable {
        /// Its index (`part-<index>.sqlite`).
        public let index: Int
        /// Its path.
        public let path: String
        /// The database file's size in bytes.
        public let bytes: Int64
        /// The write-ahead log's size in bytes (0 when there is none).
        public let walBytes: Int64
        /// Rows in its `snapshots` table (every kept version of every key).
        public let snapshotRows: Int
        /// Its SQLite schema version.
        public let schemaVersion: Int
    }

    /// One execution (a run of the dataflow on this store) whose progress is still kept.
    public struct Execution: Sendable, Codable, Equatable {
        /// Its number (1 for the first run on the store).
        public let id: Int64
        /// Its worker count.
        public let workerCount: Int
        /// Its workers' progress, by worker index (workers that wrote nothing are absent).
        public let workers: [Worker]
    }

    /// One worker's progress in an execution.
    public struct Worker: Sendable, Codable, Equatable {
        /// The worker's index.
        public let index: Int
        /// The last epoch it wrote.
        public let lastEpoch: UInt64
        /// True when that write was its last (its inputs ended).
        public let ended: Bool
    }

    /// One step's (or source's or sink's) keys at the committed epoch.
    public struct Step: Sendable, Codable, Equatable {
        /// The step id.
        public let id: String
        /// Keys with state (partitions with a position, for sources and sinks).
        public let liveKeys: Int
        /// Keys whose state was discarded and whose marker is still kept.
        public let discardedKeys: Int
    }

    /// The directory.
    public let directory: String
    /// The store's random id, the same in every file; nil for a store written
    /// before store ids (a run gives it one).
    public let storeID: String?
    /// The dataflow the store belongs to; nil until a run claims it (after `sluice recovery init`).
    public let flowID: String?
    /// The snapshot format version.
    public let formatVersion: Int?
    /// The partition files.
    public let partitions: [PartitionFile]
    /// The committed epoch: a run resumes from its snapshot, at the next epoch. Nil: a run starts fresh.
    public let committedEpoch: UInt64?
    /// The executions whose progress rows are kept (older ones are collected).
    public let executions: [Execution]
    /// The steps with keys at the committed epoch, by id.
    public let steps: [Step]
}
