import Foundation

/// A source step on one worker: polls the partitions this worker owns and
/// pushes their batches downstream; sends epoch barriers and, once every
/// owned partition is exhausted, `end`. With a `WatermarkPolicy` it also
/// tracks each partition's event time and sends the worker's watermark
/// (`PartitionWatermarks`) behind the items it covers, after each poll.
package final class InputNode<Partition: SourcePartition>: InputDriver {
    private struct Owned {
        let key: PartitionKey
        let partition: Partition
        var awake: Date?
        var ended = false
        /// The partition's progress as last added to the run's, if measured.
        var measured: (partition: any MeasuredPartition, last: ReadProgress)?
    }

    private let step: StepID
    private let output: Emitter<Partition.Item>
    private var owned: [Owned]
    private var finished = false
    /// Where this node reports its partitions' positions, if recovery is on.
    private var snapshots: SnapshotParticipant?
    /// After an empty batch with no wake-up time, wait this long before re-polling.
    private let idleBackoff: TimeInterval = 0.001
    private let policy: WatermarkPolicy<Partition.Item>?
    private var watermarks: PartitionWatermarks
    private let metrics: StepMetrics
    /// The run's progress (shown on a terminal); nil measures nothing.
    private let progress: RunProgress?

    /// - Parameters:
    ///   - policy: How to derive the watermark; nil sends none.
    ///   - restoredEventTimes: Each partition's largest event time from a snapshot.
    package init(
        step: StepID, partitions: [(PartitionKey, Partition)], output: Emitter<Partition.Item>,
        startEpoch: Epoch = Epoch(1), snapshots: SnapshotCollector? = nil,
        policy: WatermarkPolicy<Partition.Item>? = nil, restoredEventTimes: [Date?]? = nil,
        worker: WorkerIndex = WorkerIndex(0), progress: RunProgress? = nil
    ) {
        self.metrics = StepMetrics(step: step, worker: worker)
        self.progress = progress
        self.step = step
        self.output = output
        self.owned = partitions.map { Owned(key: $0.0, partition: $0.1, awake: nil) }
        self.snapshots = SnapshotParticipant(snapshots, startEpoch: startEpoch)
        self.policy = policy
        self.watermarks = PartitionWatermarks(
            restored: restoredEventTimes ?? Array(repeating: nil, count: partitions.count),
            allowance: policy?.allowance ?? 0, idleAfter: policy?.idleAfter ?? 0)
        if let progress {
            for index in owned.indices {
                guard let measured = owned[index].partition as? any MeasuredPartition else {
                    progress.markUnmeasurable()
                    continue
                }
                let start = measured.readProgress
                progress.add(start)
                owned[index].measured = (measured, start)
            }
        }
    }

    /// Adds what partition `index` read since last asked to the run's
    /// progress; an ended partition has read all it had to.
    private func measure(_ index: Int, ended: Bool) {
        guard let progress, let measured = owned[index].measured else { return }
        var now = measured.partition.readProgress
        if ended, let total = now.total { now.done = total }
        progress.advance(by: now.done - measured.last.done)
        owned[index].measured = (measured.partition, now)
    }

    /// Every owned partition's position (ended ones included) and, with a
    /// watermark policy, its largest event time, for a snapshot.
    private func positionRecords() throws -> [SnapshotRecord] {
        var records = try owned.map { part in
            try SnapshotRecord.encoding(part.partition.snapshot(), step: step, key: part.key.rawValue, what: "source position")
        }
        guard policy != nil else { return records }
        for (index, part) in owned.enumerated() {
            guard let time = watermarks.maxEventTime(index) else { continue }
            records.append(try .encoding(time, step: step, key: PartitionWatermarks.snapshotKey(part.key), what: "source event time"))
        }
        return records
    }

    /// Sends the worker's watermark if it changed.
    private func sendWatermark(now: Date) throws {
        guard policy != nil, !finished, let mark = watermarks.next(now: now) else { return }
        try output.signal(.watermark(mark))
    }

    /// Marks the input as ended: final positions to the snapshot, then `end`
    /// (or `suspend` when the run stops to resume later).
    private func end(suspending: Bool = false) throws {
        finished = true
        try snapshots?.ended(records: try positionRecords())
        try output.signal(suspending ? .suspend : .end)
    }

    package var isFinished: Bool { finished }

    package func poll(now: Date) throws -> Bool {
        var emitted = false
        // A restored watermark goes out before the first items.
        if watermarks.lastSent == nil { try sendWatermark(now: now) }
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
                measure(index, ended: true)
                owned[index].ended = true
                watermarks.ended(index)
                do { try part.close() } catch {
                    throw DataflowError.sourceFailed(step: step, partition: owned[index].key, underlying: error)
                }
                continue
            }
            if batch.isEmpty {
                owned[index].awake = part.nextAwake() ?? now.addingTimeInterval(idleBackoff)
                watermarks.sawNothing(index, now: now)
            } else {
                owned[index].awake = part.nextAwake()
                emitted = true
                if let policy {
                    let latest: Date?
                    do { latest = try policy.maxEventTime(in: batch, now: now) } catch {
                        throw DataflowError.sourceFailed(
                            step: step, partition: owned[index].key, underlying: WatermarkTimestampError(underlying: error))
                    }
                    watermarks.sawItems(index, maxEventTime: latest, now: now)
                }
                metrics.emitted(batch.count)
                if progress != nil { measure(index, ended: false) }
                try output.emit(batch)
            }
        }
        if !finished && owned.allSatisfy(\.ended) {
            try end()
        } else {
            try sendWatermark(now: now)
        }
        return emitted
    }

    package func nextAwake(now: Date) -> Date? {
        var earliest: Date = .distantFuture
        for part in owned where !part.ended {
            guard let awake = part.awake else { return nil }
            earliest = min(earliest, awake)
        }
        if policy != nil, let change = watermarks.nextChange(now: now) { earliest = min(earliest, change) }
        return earliest
    }

    package func closeEpoch(_ epoch: Epoch) throws {
        try snapshots?.passed(epoch, records: try positionRecords())
        try output.signal(.barrier(epoch))
    }

    package func finishNow(suspending: Bool) throws {
        guard !finished else { return }
        for index in owned.indices where !owned[index].ended {
            owned[index].ended = true
            do { try owned[index].partition.close() } catch {
                throw DataflowError.sourceFailed(step: step, partition: owned[index].key, underlying: error)
            }
        }
        try end(suspending: suspending)
    }

    package func shutdown() {
        for index in owned.indices where !owned[index].ended {
            owned[index].ended = true
            try? owned[index].partition.close()
        }
    }
}
