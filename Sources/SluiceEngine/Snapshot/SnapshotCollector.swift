import Foundation

/// Gathers one worker's snapshot records per epoch and writes an epoch to
/// the recovery store once every snapshotting node on the worker has passed
/// its barrier (or ended). Nodes report in epoch order; an ended node counts
/// as having passed every later epoch.
package final class SnapshotCollector {
    private struct Participant {
        var lastReported: Epoch?
        var ended = false
    }

    /// Writes the epochs in the background, in order.
    private let writer: SnapshotWriter
    /// Write every `every`-th epoch (by number, so all workers agree); the
    /// records of the epochs between carry forward into the next one written.
    private let every: UInt64
    private var participants: [Participant] = []
    private var pending: [Epoch: [SnapshotRecord]] = [:]
    /// The last epoch this worker handed to the writer, if any.
    package private(set) var lastWritten: Epoch?
    private var finished = false

    /// - Parameters:
    ///   - tracker: Told about every durable write (for committing sinks).
    ///   - onFailure: Called (on the writer thread) when a write fails; stops the run.
    package init(
        store: any RecoveryStore, worker: WorkerIndex, every: UInt64 = 1, tracker: CommitTracker? = nil,
        onFailure: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.every = max(1, every)
        self.writer = SnapshotWriter(store: store, worker: worker, tracker: tracker, onFailure: onFailure)
    }

    /// Waits until every epoch handed to the writer is durable.
    /// - Throws: A write's failure.
    package func finish() throws { try writer.finish() }

    /// Stops writing (the run is stopping after a failure).
    package func stop() { writer.stop() }

    /// Whether `epoch` is written as a snapshot (every `every`-th epoch by
    /// number; the records of the others carry forward).
    package func isSnapshotEpoch(_ epoch: Epoch) -> Bool { epoch.rawValue % every == 0 }

    /// Puts `records` first into the snapshot of `epoch` (or the next epoch
    /// written after it), before anything the nodes report: a re-homing
    /// worker's loaded keys (decision 0018), which the nodes' own records of
    /// the same keys then replace.
    package func seed(_ records: [SnapshotRecord], at epoch: Epoch) {
        guard !records.isEmpty else { return }
        pending[epoch] = records + (pending[epoch] ?? [])
    }

    /// Adds a snapshotting node; returns its id for `report`.
    package func register() -> Int {
        participants.append(Participant())
        return participants.count - 1
    }

    /// A node passed the barrier of `epoch` with these records.
    package func report(_ participant: Int, epoch: Epoch, records: [SnapshotRecord]) throws {
        participants[participant].lastReported = epoch
        pending[epoch, default: []].append(contentsOf: records)
        try writeComplete()
    }

    /// A node ended during `epoch` with these (final) records.
    package func reportEnd(_ participant: Int, epoch: Epoch, records: [SnapshotRecord]) throws {
        participants[participant].ended = true
        try report(participant, epoch: epoch, records: records)
    }

    private func isComplete(_ epoch: Epoch) -> Bool {
        participants.allSatisfy { $0.ended || ($0.lastReported.map { $0 >= epoch } ?? false) }
    }

    private func writeComplete() throws {
        guard !finished else { return }
        let allEnded = participants.allSatisfy(\.ended)
        while let epoch = pending.keys.min(), isComplete(epoch) {
            let records = pending.removeValue(forKey: epoch)!
            let last = allEnded && pending.isEmpty
            if !last && !isSnapshotEpoch(epoch) {
                // Not a snapshot epoch: carry its records into the next one
                // (placed first, so the later records of a key win).
                pending[epoch.next] = records + (pending[epoch.next] ?? [])
                continue
            }
            try writer.enqueue(epoch: epoch, records: records, ended: last)
            lastWritten = epoch
            if last { finished = true }
        }
    }
}

/// One node's part in its worker's snapshots: reports each epoch it passes
/// and its end, keeping the epoch its next records belong to.
package struct SnapshotParticipant {
    /// The worker's collector.
    package let collector: SnapshotCollector
    private let id: Int
    /// The epoch the node's next records belong to.
    package private(set) var currentEpoch: Epoch

    /// Registers with `collector`; nil when recovery is off.
    package init?(_ collector: SnapshotCollector?, startEpoch: Epoch) {
        guard let collector else { return nil }
        self.collector = collector
        self.id = collector.register()
        self.currentEpoch = startEpoch
    }

    /// The node passed the barrier of `epoch` with these records.
    package mutating func passed(_ epoch: Epoch, records: [SnapshotRecord]) throws {
        try collector.report(id, epoch: epoch, records: records)
        currentEpoch = epoch.next
    }

    /// The node ended, with these final records.
    package func ended(records: [SnapshotRecord]) throws {
        try collector.reportEnd(id, epoch: currentEpoch, records: records)
    }
}

extension SnapshotRecord {
    /// A record of `state` encoded with `SnapshotCoding`; a state that does not
    /// encode is a `recoveryFailed` naming the step, the key and `what` it is.
    package static func encoding<State: Encodable>(
        _ state: State, step: StepID, key: String, what: String
    ) throws -> SnapshotRecord {
        do {
            return SnapshotRecord(step: step, key: key, state: try SnapshotCoding.encode(state))
        } catch {
            throw DataflowError.recoveryFailed(step: step, key: key, reason: "cannot encode the \(what): \(error)")
        }
    }
}
