/// A sink step on one worker: writes batches to the sink partitions this
/// worker owns, tells them when an epoch ends, and closes them at the end.
package final class OutputNode<Partition: SinkPartition>: BatchConsumer, ShutdownHook {
    private let step: StepID
    private let partitions: [(key: PartitionKey, partition: Partition)]
    /// Picks the local partition (index into `partitions`) of an item; nil when
    /// the worker owns exactly one partition.
    private let localIndex: ((Partition.Item) -> Int)?
    private var closed = false
    /// Where this node reports (after flushing), if recovery is on.
    private var snapshots: SnapshotParticipant?
    /// Whether the partitions' positions are worth storing (partitioned sinks).
    private let recordsPositions: Bool
    private let metrics: StepMetrics

    package init(
        step: StepID, partitions: [(key: PartitionKey, partition: Partition)],
        localIndex: ((Partition.Item) -> Int)?, snapshots: SnapshotCollector? = nil,
        recordsPositions: Bool = false, startEpoch: Epoch = Epoch(1), worker: WorkerIndex = WorkerIndex(0)
    ) {
        self.metrics = StepMetrics(step: step, worker: worker)
        self.step = step
        self.partitions = partitions
        self.localIndex = localIndex
        self.snapshots = SnapshotParticipant(snapshots, startEpoch: startEpoch)
        self.recordsPositions = recordsPositions
    }

    private func positionRecords() throws -> [SnapshotRecord] {
        guard recordsPositions else { return [] }
        return try partitions.map { key, partition in
            try .encoding(partition.snapshot(), step: step, key: key.rawValue, what: "sink position")
        }
    }

    package func receive(_ batch: [Partition.Item]) throws {
        metrics.taken(batch.count)
        guard let localIndex, partitions.count > 1 else {
            guard let only = partitions.first else {
                preconditionFailure("items routed to a worker that owns no partition of \(step)")
            }
            try write(batch, to: only)
            return
        }
        var groups = [[Partition.Item]](repeating: [], count: partitions.count)
        for item in batch { groups[localIndex(item)].append(item) }
        for (index, group) in groups.enumerated() where !group.isEmpty {
            try write(group, to: partitions[index])
        }
    }

    private func write(_ batch: [Partition.Item], to target: (key: PartitionKey, partition: Partition)) throws {
        do {
            try target.partition.write(batch)
        } catch {
            throw DataflowError.sinkFailed(step: step, partition: target.key, underlying: error)
        }
    }

    package func progress(_ signal: Progress) throws {
        switch signal {
        case .watermark: return  // sinks have no use for event time
        case .barrier(let epoch):
            for (key, partition) in partitions {
                do { try partition.epochEnded(epoch) } catch {
                    throw DataflowError.sinkFailed(step: step, partition: key, underlying: error)
                }
            }
        case .end, .suspend:
            // Close every partition once, even if one fails; report the first failure.
            closed = true
            var failure: DataflowError?
            for (key, partition) in partitions {
                do { try partition.close() } catch {
                    failure = failure ?? .sinkFailed(step: step, partition: key, underlying: error)
                }
            }
            if let failure { throw failure }
        }
        // Everything of this epoch (or the whole input) is written and flushed.
        switch signal {
        case .barrier(let epoch): try snapshots?.passed(epoch, records: try positionRecords())
        case .end, .suspend: try snapshots?.ended(records: try positionRecords())
        case .watermark: break
        }
    }

    package func shutdown() {
        guard !closed else { return }
        closed = true
        // The run is stopping after a failure: release without reporting again.
        for (_, partition) in partitions { try? partition.close() }
    }
}
