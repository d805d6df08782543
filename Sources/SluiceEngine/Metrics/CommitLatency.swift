import CoreMetrics

/// The exactly-once commit latency of one committing sink step on one
/// worker (`sluice_commit_seconds`): how long the sink's `commit` of an
/// epoch takes once its snapshot is durable everywhere.
///
/// ```swift
/// let latency = CommitLatency(step: "flow.out", worker: WorkerIndex(0))
/// let start = latency.start()
/// try partition.commit(epoch)
/// latency.committed(since: start)
/// ```
package struct CommitLatency {
    private let timer: CoreMetrics.Timer
    private let isRecording: Bool

    package init(step: StepID, worker: WorkerIndex) {
        timer = CoreMetrics.Timer(
            label: SluiceMetrics.Name.commitSeconds, dimensions: [SluiceMetrics.label(step), SluiceMetrics.label(worker)])
        isRecording = SluiceMetrics.isRecording
    }

    /// The time a commit starts (0 when nothing is recorded).
    package func start() -> UInt64 { isRecording ? MonotonicNanos.now() : 0 }

    /// Records a commit that started at `start`.
    package func committed(since start: UInt64) {
        guard isRecording else { return }
        timer.recordNanoseconds(Int64(clamping: MonotonicNanos.now() &- start))
    }
}
