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
    /// After an empty batch with no wake-up time, wait this long before re-polling.
    private let idleBackoff: TimeInterval = 0.001

    package init(step: StepID, partitions: [(PartitionKey, Partition)], output: Emitter<Partition.Item>) {
        self.step = step
        self.output = output
        self.owned = partitions.map { Owned(key: $0.0, partition: $0.1, awake: nil) }
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
            finished = true
            try output.signal(.end)
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
        finished = true
        try output.signal(.end)
    }

    package func shutdown() {
        for index in owned.indices where !owned[index].ended {
            owned[index].ended = true
            try? owned[index].partition.close()
        }
    }
}
