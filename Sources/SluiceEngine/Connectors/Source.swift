import Foundation

/// The state a source partition needs to resume, when it needs none.
///
/// ```swift
/// final class Ticks: SourcePartition {
///     typealias ResumeState = NoResumeState
///     func nextBatch() throws -> [Int]? { [1, 2, 3] }
/// }
/// ```
public struct NoResumeState: Codable, Sendable, Hashable {
    /// Creates the empty state.
    public init() {}
}

/// One readable partition of a source, owned by one worker thread.
///
/// ```swift
/// final class CountingPartition: SourcePartition {
///     var next: Int
///     let limit: Int
///     init(from: Int, limit: Int) { next = from; self.limit = limit }
///     func nextBatch() throws -> [Int]? {
///         if next >= limit { return nil }            // end of input
///         defer { next = min(next + 100, limit) }
///         return Array(next..<min(next + 100, limit))
///     }
///     func snapshot() -> Int { next }                // resume position
/// }
/// ```
public protocol SourcePartition<Item>: AnyObject {
    /// The items this partition emits.
    associatedtype Item: Sendable
    /// What `snapshot()` returns and a rebuilt partition resumes from.
    associatedtype ResumeState: Codable & Sendable = NoResumeState

    /// The next batch of items; an empty array when nothing is ready now, and
    /// nil once the partition is exhausted (it is then never polled again).
    /// - Throws: Any error stops the run, reported with the step and partition.
    func nextBatch() throws -> [Item]?

    /// When the engine should poll next; nil means "as soon as possible".
    /// Consulted after every `nextBatch()`.
    func nextAwake() -> Date?

    /// The position to resume from, taken at each epoch end (for recovery).
    func snapshot() -> ResumeState

    /// Releases resources; called once, when the partition ends or the run stops.
    func close() throws
}

extension SourcePartition {
    /// By default a partition is polled again as soon as possible.
    public func nextAwake() -> Date? { nil }
    /// By default there is nothing to close.
    public func close() throws {}
}

extension SourcePartition where ResumeState == NoResumeState {
    /// A partition without resume state snapshots nothing.
    public func snapshot() -> NoResumeState { NoResumeState() }
}

/// A source made of named partitions (files, Kafka topic-partitions…). The
/// engine assigns each partition to exactly one worker of the whole run, evenly
/// and deterministically, and builds it there from its stored resume state.
///
/// ```swift
/// struct Numbers: PartitionedSource {
///     func listPartitions() throws -> [PartitionKey] { ["evens", "odds"] }
///     func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> CountingPartition {
///         CountingPartition(from: resumeState ?? (key == "evens" ? 0 : 1), limit: 1000)
///     }
/// }
/// ```
public protocol PartitionedSource<Item>: Sendable {
    /// The items the source emits.
    associatedtype Item: Sendable
    /// The partition type.
    associatedtype Partition: SourcePartition<Item>

    /// Every partition of the source; the same list on every worker and process.
    func listPartitions() throws -> [PartitionKey]

    /// Opens one partition on the worker that owns it.
    /// - Parameters:
    ///   - key: One of `listPartitions()`.
    ///   - resumeState: The last snapshot of this partition, nil on a fresh start.
    func buildPartition(_ key: PartitionKey, resumeState: Partition.ResumeState?) throws -> Partition
}

/// A source that every worker reads independently (for example a generator or
/// a socket per worker). It has no resume state.
///
/// ```swift
/// struct Heartbeat: PerWorkerSource {
///     func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Ticks { Ticks() }
/// }
/// ```
public protocol PerWorkerSource<Item>: Sendable {
    /// The items the source emits.
    associatedtype Item: Sendable
    /// The per-worker partition type.
    associatedtype Partition: SourcePartition<Item>

    /// Builds the source for one worker.
    /// - Parameters:
    ///   - worker: The worker that will poll it.
    ///   - workerCount: How many workers the run has.
    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition
}
