/// One writable partition of a sink, owned by one worker thread.
///
/// ```swift
/// final class PrintPartition: SinkPartition {
///     func write(_ batch: [String]) throws { batch.forEach { print($0) } }
/// }
/// ```
public protocol SinkPartition<Item>: AnyObject {
    /// The items written.
    associatedtype Item: Sendable
    /// What `snapshot()` returns and a rebuilt partition resumes from.
    associatedtype ResumeState: Codable & Sendable = NoResumeState

    /// Writes a non-empty batch.
    /// - Throws: Any error stops the run, reported with the step and partition.
    func write(_ batch: [Item]) throws

    /// Called when every item of `epoch` has been written: flush here.
    func epochEnded(_ epoch: Epoch) throws

    /// The position to resume from, taken at each epoch end (for recovery).
    func snapshot() -> ResumeState

    /// Flushes and releases resources at the end of input.
    func close() throws
}

extension SinkPartition {
    /// By default nothing happens at an epoch end.
    public func epochEnded(_ epoch: Epoch) throws {}
    /// By default there is nothing to close.
    public func close() throws {}
}

extension SinkPartition where ResumeState == NoResumeState {
    /// A partition without resume state snapshots nothing.
    public func snapshot() -> NoResumeState { NoResumeState() }
}

/// A sink made of named partitions (for example one file). Each item is routed
/// to the worker that owns its partition; each partition is written by exactly
/// one worker.
///
/// ```swift
/// struct OneFile: PartitionedSink {
///     func listPartitions() throws -> [PartitionKey] { ["out.txt"] }
///     func partition(for item: String, of count: Int) -> Int { 0 }
///     func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> PrintPartition { PrintPartition() }
/// }
/// ```
public protocol PartitionedSink<Item>: Sendable {
    /// The items written.
    associatedtype Item: Sendable
    /// The partition type.
    associatedtype Partition: SinkPartition<Item>

    /// Every partition of the sink; the same list on every worker and process.
    func listPartitions() throws -> [PartitionKey]

    /// The index (into `listPartitions()`) of the partition an item goes to.
    /// Must be deterministic (never Swift's seeded `Hasher`).
    func partition(for item: Item, of count: Int) -> Int

    /// Opens one partition on the worker that owns it.
    func buildPartition(_ key: PartitionKey, resumeState: Partition.ResumeState?) throws -> Partition
}

/// A sink that every worker writes independently (stdout, a Kafka producer…).
///
/// ```swift
/// struct Printer: PerWorkerSink {
///     func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> PrintPartition { PrintPartition() }
/// }
/// ```
public protocol PerWorkerSink<Item>: Sendable {
    /// The items written.
    associatedtype Item: Sendable
    /// The per-worker partition type.
    associatedtype Partition: SinkPartition<Item>

    /// Builds the sink for one worker.
    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition
}
