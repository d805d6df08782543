import Foundation

/// A source step on one worker: polls the partitions this worker owns and
/// pushes their batches downstream; sends epoch barriers and, once every
/// owned partition is exhausted, `end`.
package final class InputNode<Partition: SourcePartition>: InputDriver {
    private struct Owned {
        let key: PartitionKey
        let partition: Partition
        var awake: Date?
        var ended = false
    }

    private let step: StepID
    private let output: Emitter<Partition.Item>
    private var owned: [Owned]
    private var finished = false
    /// Where this node reports its partitions' positions, if recovery is on.
    private var snapshots: SnapshotParticipant?
    /// After an empty batch with no wake-up time, wait this long before re-polling.
    private let idleBackoff: TimeInterval = 0.001

    package init(
        step: StepID, partitions: [(PartitionKey, Partition)], output: Emitter<Partition.Item>,
        startEpoch: Epoch = Epoch(1), snapshots: SnapshotCollector? = nil
    ) {
        self.step = step
        self.output = output
        self.owned = partitions.map { Owned(key: $0.0, partition: $0.1, awake: nil) }
        self.snapshots = SnapshotParticipant(snapshots, startEpoch: startEpoch)
    }

    /// Every owned partition's position (ended ones included), for a snapshot.
    private func positionRecords() throws -> [SnapshotRecord] {
        try owned.map { part in
            try .encoding(part.partition.snapshot(), step: step, key: part.key.rawValue, what: "source position")
        }
    }

    /// Marks the input as ended: final positions to the snapshot, then `end`.
    private func end() throws {
        finished = true
        try snapshots?.ended(records: try positionRecords())
        try output.signal(.end)
    }

    package var isFinished: Bool { finished }

    package func poll(now: Date) throws -> Bool {
        var emitted = false
        for index in owned.indices where !owned[index].ended {
            if let awake = owned[index].awake, awake > now { continue }
            let part = owned[index].partition
            let batch: [Partition.Item]?
            do {
                batch = try part.nextBatch()
            } catch {
                throw DataflowError.sourceFailed(step: step, partition: owned[index].key, underlying: error)
            }
            guard let batch else {
                owned[index].ended = true
                do { try part.close() } catch {
                    throw DataflowError.sourceFailed(step: step, partition: owned[index].key, underlying: error)
                }
                continue
            }
            if batch.isEmpty {
                owned[index].awake = part.nextAwake() ?? now.addingTimeInterval(idleBackoff)
            } else {
                owned[index].awake = part.nextAwake()
                emitted = true
                try output.emit(batch)
            }
        }
        if !finished && owned.allSatisfy(\.ended) {
            try end()
        }
        return emitted
    }

    package func nextAwake(now: Date) -> Date? {
        var earliest: Date? = .distantFuture
        for part in owned where !part.ended {
            guard let awake = part.awake else { return nil }
            earliest = min(earliest!, awake)
        }
        return earliest
    }

    package func closeEpoch(_ epoch: Epoch) throws {
        try snapshots?.passed(epoch, records: try positionRecords())
        try output.signal(.barrier(epoch))
    }

    package func finishNow() throws {
        guard !finished else { return }
        for index in owned.indices where !owned[index].ended {
            owned[index].ended = true
            do { try owned[index].partition.close() } catch {
                throw DataflowError.sourceFailed(step: step, partition: owned[index].key, underlying: error)
            }
        }
        try end()
    }

    package func shutdown() {
        for index in owned.indices where !owned[index].ended {
            owned[index].ended = true
            try? owned[index].partition.close()
        }
    }
}
