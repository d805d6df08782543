import Foundation

/// One piece of a snapshot: the state of one key of a stateful step, or the
/// resume position of one source or sink partition, as of an epoch.
///
/// ```swift
/// let record = SnapshotRecord(step: "flow.count", key: "apple", state: Array("3".utf8))
/// ```
public struct SnapshotRecord: Sendable, Hashable {
    /// The step the state belongs to.
    public let step: StepID
    /// The key (state key, or partition key for sources and sinks).
    public let key: String
    /// The encoded state; nil when the key's state was discarded.
    public let state: [UInt8]?

    /// Creates a record.
    public init(step: StepID, key: String, state: [UInt8]?) {
        self.step = step
        self.key = key
        self.state = state
    }
}

/// What a run resumes from.
public struct ResumePoint: Sendable {
    /// The last epoch whose snapshot every worker wrote; the run resumes at the next one.
    public let epoch: Epoch
    /// The latest state at or before `epoch`, by step and key (discarded keys absent).
    public let states: [StepID: [String: [UInt8]]]

    /// Creates a resume point.
    public init(epoch: Epoch, states: [StepID: [String: [UInt8]]]) {
        self.epoch = epoch
        self.states = states
    }
}

/// Where a run keeps its snapshots (the SQLite store implements it; tests
/// use `InMemoryRecoveryStore`). Called from worker threads: implementations
/// must be thread-safe, and `write` must be durable when it returns.
///
/// Contract: a worker writes each epoch's records once, in epoch order, and
/// `ended: true` with its last write. The resume epoch is the lowest last
/// written epoch among workers that have not ended (or the highest if all
/// ended), so every step's state and every source position in a resume
/// point belong to the same epoch.
public protocol RecoveryStore: Sendable {
    /// The point to resume from, or nil for a fresh start.
    func resumePoint() throws -> ResumePoint?
    /// Starts a new execution with `workerCount` workers (rescaling allowed).
    func beginExecution(workerCount: Int) throws
    /// Durably writes one worker's records for `epoch`.
    func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws
    /// Stores a token that names the running execution (process 0 of a
    /// cluster writes it; the others check they read the same one, which
    /// proves they share the store). Default: not supported (no check).
    func markExecution(_ token: String) throws
    /// The token `markExecution` stored last, or nil (also when unsupported).
    func executionMark() throws -> String?
    /// Tells the store the run's committed epoch, across every process (a
    /// store that sees only some workers' writes uses it to collect old
    /// versions). Called on any thread; must return at once. Default: ignored.
    func clusterCommitted(_ epoch: Epoch)
}

extension RecoveryStore {
    public func markExecution(_ token: String) throws {}
    public func executionMark() throws -> String? { nil }
    public func clusterCommitted(_ epoch: Epoch) {}
}

/// A `RecoveryStore` in memory, for tests and examples (it does not survive
/// the process). Keeps every epoch.
///
/// ```swift
/// let store = InMemoryRecoveryStore()
/// var config = RunConfiguration(workers: 2)
/// config.recoveryStore = store
/// ```
public final class InMemoryRecoveryStore: RecoveryStore, @unchecked Sendable {
    // @unchecked: all state is guarded by `lock`.
    private let lock = NSLock()
    private var records: [(epoch: Epoch, record: SnapshotRecord)] = []
    private var lastWritten: [Int: Epoch] = [:]
    private var ended: Set<Int> = []
    private var workerCount = 0
    private var committed: Epoch?
    private var mark: String?

    /// Creates an empty store.
    public init() {}

    public func resumePoint() throws -> ResumePoint? {
        lock.lock()
        defer { lock.unlock() }
        guard let epoch = committed else { return nil }
        var states: [StepID: [String: [UInt8]]] = [:]
        for (recordEpoch, record) in records where recordEpoch <= epoch {
            states[record.step, default: [:]][record.key] = record.state
        }
        return ResumePoint(epoch: epoch, states: states)
    }

    public func beginExecution(workerCount: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        // Records after the committed epoch belong to no complete snapshot.
        if let committed { records.removeAll { $0.epoch > committed } } else { records.removeAll() }
        self.workerCount = workerCount
        lastWritten = [:]
        ended = []
    }

    public func write(epoch: Epoch, worker: WorkerIndex, records newRecords: [SnapshotRecord], ended workerEnded: Bool) throws {
        lock.lock()
        defer { lock.unlock() }
        records.append(contentsOf: newRecords.map { (epoch, $0) })
        lastWritten[worker.rawValue] = epoch
        if workerEnded { ended.insert(worker.rawValue) }
        guard let candidate = CommitRule.committed(lastWritten: lastWritten, ended: ended, workerCount: workerCount)
        else { return }
        if committed.map({ candidate > $0 }) ?? true { committed = candidate }
    }

    public func markExecution(_ token: String) throws { lock.withLock { mark = token } }

    public func executionMark() throws -> String? { lock.withLock { mark } }

    /// The last committed epoch, if any (for tests).
    public var committedEpoch: Epoch? {
        lock.lock()
        defer { lock.unlock() }
        return committed
    }
}
