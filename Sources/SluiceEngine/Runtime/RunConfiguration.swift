import Logging

/// How a dataflow runs: the worker count and the epoch length.
///
/// ```swift
/// var config = RunConfiguration(workers: 4)
/// config.epochInterval = .seconds(5)
/// try run(flow, configuration: config)
/// ```
public struct RunConfiguration: Sendable {
    /// Worker threads in this process, 1 to ``maxWorkers``. Default 1.
    public var workers: Int
    /// The most worker threads one process may run (1,024). Each worker is
    /// an OS thread with its own sources and sinks (a Kafka sink is a
    /// producer per worker), so far more threads than cores only cost
    /// memory; run more processes to scale further.
    public static let maxWorkers = 1_024
    /// How long an epoch lasts in system time (the snapshot interval once
    /// recovery is on). Default 10 s. Back-pressure never depends on it.
    public var epochInterval: Duration
    /// Items that may wait in one worker's inbox before sources stop polling.
    /// Default 200,000. Bounds memory; lower it for very large items.
    public var maxPendingItemsPerWorker: Int
    /// The first epoch number. Default 1.
    public var startEpoch: Epoch
    /// Where the engine logs. Default: a logger labelled `sluice`.
    public var logger: Logger
    /// Raise it to stop the run gracefully: with a recovery store the run
    /// suspends (its last epoch is snapshotted, nothing is flushed as at the
    /// end of input); without one, or when asked to drain, the sources end
    /// and everything flushes. See `StopSignal`.
    public var stopSignal: StopSignal?
    /// Where snapshots go; with one, a run resumes from the last committed
    /// epoch of a previous run. Default nil (no recovery).
    public var recoveryStore: (any RecoveryStore)?
    /// How often a snapshot is written, in system time; rounded to a whole
    /// number of epochs (at least one). Default nil: every epoch.
    public var snapshotInterval: Duration?

    /// Epochs per snapshot, from `snapshotInterval` and `epochInterval`.
    package var epochsPerSnapshot: UInt64 {
        guard let snapshotInterval else { return 1 }
        return UInt64(max(1, (snapshotInterval.seconds / epochInterval.seconds).rounded()))
    }
    /// Tune glibc's allocator for batch processing (keep up to 64 MiB of
    /// freed memory per heap rather than returning it after every batch).
    /// Process-wide and applied once. Default true; set false if your
    /// process manages `mallopt` itself.
    public var tunesAllocator: Bool
    /// Where the engine reports the run's phase, members, partitions and
    /// epochs, e.g. for the monitoring endpoint's `/readyz` and dashboard.
    /// Default nil (nothing reported). See `RunStatus`.
    public var status: RunStatus?
    /// The other processes of a cluster run (nil: this process alone). Set
    /// by `run(_:configuration:cluster:)` and `cliMain`'s `-i/-a`.
    package var transport: (any ProcessTransport)?
    /// Where sources add how far a finite read has come (the progress line);
    /// nil (the default) measures nothing.
    package var progress: RunProgress?

    /// Creates a configuration.
    /// - Parameters:
    ///   - workers: Worker threads (at least 1).
    ///   - epochInterval: The epoch length in system time.
    ///   - logger: Where the engine logs.
    public init(workers: Int = 1, epochInterval: Duration = .seconds(10), logger: Logger = Logger(label: "sluice")) {
        self.workers = workers
        self.epochInterval = epochInterval
        self.maxPendingItemsPerWorker = 200_000
        self.startEpoch = Epoch(1)
        self.logger = logger
        self.stopSignal = nil
        self.recoveryStore = nil
        self.snapshotInterval = nil
        self.tunesAllocator = true
        self.transport = nil
        self.status = nil
    }

    /// Throws unless `workers` is from 1 to ``maxWorkers``.
    package static func checkWorkers(_ workers: Int) throws {
        guard (1...maxWorkers).contains(workers) else {
            throw DataflowError.invalidConfiguration(
                "workers per process must be from 1 to \(maxWorkers), got \(workers) "
                    + "(each worker is a thread; run more processes for more)")
        }
    }

    func validated() throws -> RunConfiguration {
        try Self.checkWorkers(workers)
        guard epochInterval > .zero else {
            throw DataflowError.invalidConfiguration("the epoch interval must be positive, got \(epochInterval)")
        }
        if let snapshotInterval, snapshotInterval <= .zero {
            throw DataflowError.invalidConfiguration("the snapshot interval must be positive, got \(snapshotInterval)")
        }
        guard maxPendingItemsPerWorker >= 1 else {
            throw DataflowError.invalidConfiguration("maxPendingItemsPerWorker must be at least 1")
        }
        return self
    }
}
