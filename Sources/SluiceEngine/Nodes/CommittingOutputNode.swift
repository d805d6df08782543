/// A committing sink step on one worker (exactly-once output): writes
/// batches to the worker's partition, stores what the partition prepares at
/// every snapshot epoch with that snapshot, and tells the partition to commit
/// once the snapshot is durable on every worker.
package final class CommittingOutputNode<Partition: CommittingSinkPartition>: BatchConsumer, ShutdownHook, Committer {
    private let step: StepID
    private let key: PartitionKey
    private let partition: Partition
    private var snapshots: SnapshotParticipant
    /// Whether the last record stored something (so an empty prepare clears it).
    private var storedPrepared = false
    private var committedThrough: Epoch?
    private var closed = false
    private let metrics: StepMetrics
    private let commitLatency: CommitLatency

    /// - Parameters:
    ///   - key: The record key of this worker's prepared writes (`worker-N`).
    ///   - collector: The worker's snapshot collector (required: commits follow snapshots).
    package init(
        step: StepID, key: PartitionKey, partition: Partition, collector: SnapshotCollector, startEpoch: Epoch,
        worker: WorkerIndex = WorkerIndex(0)
    ) {
        self.metrics = StepMetrics(step: step, worker: worker)
        self.commitLatency = CommitLatency(step: step, worker: worker)
        self.step = step
        self.key = key
        self.partition = partition
        self.snapshots = SnapshotParticipant(collector, startEpoch: startEpoch)!
    }

    package func receive(_ batch: [Partition.Item]) throws {
        metrics.taken(batch.count)
        try sinkCall { try partition.write(batch) }
    }

    package func progress(_ signal: Progress) throws {
        switch signal {
        case .watermark: return  // sinks have no use for event time
        case .barrier(let epoch):
            try sinkCall { try partition.epochEnded(epoch) }
            let records = snapshots.collector.isSnapshotEpoch(epoch) ? try prepare(epoch) : []
            try snapshots.passed(epoch, records: records)
        case .end, .suspend:
            closed = true
            try sinkCall { try partition.close() }
            try snapshots.ended(records: try prepare(snapshots.currentEpoch))
        }
    }

    /// The record of what the partition prepared at `epoch`.
    private func prepare(_ epoch: Epoch) throws -> [SnapshotRecord] {
        let prepared = try sinkCall { try partition.prepare(epoch) }
        guard prepared != nil || storedPrepared else { return [] }
        storedPrepared = prepared != nil
        return [SnapshotRecord(step: step, key: key.rawValue, state: prepared)]
    }

    package func committed(upTo epoch: Epoch) throws {
        guard committedThrough.map({ epoch > $0 }) ?? true else { return }
        committedThrough = epoch
        let start = commitLatency.start()
        try sinkCall { try partition.commit(epoch) }
        commitLatency.committed(since: start)
    }

    private func sinkCall<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DataflowError { throw error } catch {
            throw DataflowError.sinkFailed(step: step, partition: key, underlying: error)
        }
    }

    package func shutdown() {
        guard !closed else { return }
        closed = true
        // The run is stopping after a failure: release without committing.
        try? partition.close()
    }
}
