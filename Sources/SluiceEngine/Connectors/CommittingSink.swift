/// A sink partition whose writes become visible in two phases tied to the
/// recovery store, for exactly-once output (a transactional `KafkaSink`).
///
/// At each snapshot epoch the engine calls `prepare`, whose bytes are stored
/// with that epoch's snapshot; once every worker's snapshot of the epoch is
/// durable it calls `commit` on the same worker thread. After a crash, the
/// sink's `recoverPrepared` finishes what a prepared-but-uncommitted epoch left.
///
/// ```swift
/// final class Ledger: CommittingSinkPartition {
///     var pending: [String] = []
///     var prepared: [(Epoch, [String])] = []
///     func write(_ batch: [String]) throws { pending += batch }
///     func prepare(_ epoch: Epoch) throws -> [UInt8]? {
///         if !pending.isEmpty { prepared.append((epoch, pending)); pending = [] }
///         return prepared.isEmpty ? nil : Array(prepared.flatMap(\.1).joined(separator: "\n").utf8)
///     }
///     func commit(_ epoch: Epoch) throws {
///         prepared.removeAll { $0.0 <= epoch }  // publish them here
///     }
/// }
/// ```
public protocol CommittingSinkPartition: SinkPartition {
    /// Prepare phase, at a snapshot epoch (after every item of `epoch` was
    /// written): returns what must be stored with the snapshot of `epoch` to
    /// finish every write not yet committed after a crash (nil: nothing pending).
    func prepare(_ epoch: Epoch) throws -> [UInt8]?

    /// Commit phase: the snapshot of `epoch` is durable on every worker; make
    /// every write prepared at or before `epoch` visible. Called in epoch order,
    /// on the worker thread that owns the partition, also after `close()`.
    func commit(_ epoch: Epoch) throws
}

/// A per-worker sink that can commit its output together with the recovery
/// store's snapshots (exactly-once output). `Output` uses this path when
/// `commitsWithSnapshots` is true; that requires a recovery store.
///
/// ```swift
/// struct LedgerSink: CommittingSink {
///     var commitsWithSnapshots: Bool { true }
///     func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Ledger { Ledger() }
///     func buildPartition(step: StepID, worker: WorkerIndex, workerCount: Int) throws -> Ledger { Ledger() }
///     func recoverPrepared(step: StepID, _ prepared: [String: [UInt8]]) throws {}
/// }
/// ```
public protocol CommittingSink<Item>: PerWorkerSink where Partition: CommittingSinkPartition {
    /// Whether this sink commits in two phases (false: an ordinary per-worker sink).
    var commitsWithSnapshots: Bool { get }

    /// Builds one worker's partition, knowing the step (for stable, per-step names).
    func buildPartition(step: StepID, worker: WorkerIndex, workerCount: Int) throws -> Partition

    /// Before a resumed run starts (once per process): finishes committing
    /// what a previous run prepared but may not have committed. `prepared`
    /// maps each previous worker's record key to its `prepare` bytes. Must be
    /// idempotent: it may run again after another crash.
    func recoverPrepared(step: StepID, _ prepared: [String: [UInt8]]) throws
}
