import CoreMetrics

/// One worker's snapshot writes: how long each takes
/// (`sluice_snapshot_write_seconds`, one sample per snapshot written) and
/// how many bytes of state it holds (`sluice_snapshot_write_bytes`: keys and
/// encoded states). Used on the worker's snapshot writer thread.
///
/// ```swift
/// let metrics = SnapshotMetrics(worker: WorkerIndex(0))
/// let start = metrics.start()
/// try store.write(epoch: epoch, worker: worker, records: records, ended: false)
/// metrics.wrote(records, since: start)
/// ```
package struct SnapshotMetrics: Sendable {
    private let duration: CoreMetrics.Timer
    private let bytes: Recorder
    private let isRecording: Bool

    package init(worker: WorkerIndex) {
        let labels = [SluiceMetrics.label(worker)]
        duration = CoreMetrics.Timer(label: SluiceMetrics.Name.snapshotWriteSeconds, dimensions: labels)
        bytes = Recorder(label: SluiceMetrics.Name.snapshotWriteBytes, dimensions: labels)
        isRecording = SluiceMetrics.isRecording
    }

    /// The time a write starts (0 when nothing is recorded).
    package func start() -> UInt64 { isRecording ? MonotonicNanos.now() : 0 }

    /// Records a write of `records` that started at `start`.
    package func wrote(_ records: [SnapshotRecord], since start: UInt64) {
        guard isRecording else { return }
        duration.recordNanoseconds(Int64(clamping: MonotonicNanos.now() &- start))
        var total = 0
        for record in records { total += record.key.utf8.count + (record.state?.count ?? 0) }
        bytes.record(total)
    }
}
