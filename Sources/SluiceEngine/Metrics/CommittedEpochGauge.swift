import CoreMetrics

/// `sluice_epoch_committed`: the latest epoch whose snapshot every worker
/// of the run made durable (the resume point if the process stopped now).
///
/// ```swift
/// let gauge = CommittedEpochGauge()
/// gauge.record(Epoch(7))
/// ```
package struct CommittedEpochGauge: Sendable {
    private let gauge = Gauge(label: SluiceMetrics.Name.epochCommitted)
    private let isRecording = SluiceMetrics.isRecording

    package init() {}

    /// Records a newly committed epoch.
    package func record(_ epoch: Epoch) {
        guard isRecording else { return }
        gauge.record(Int64(clamping: epoch.rawValue))
    }
}
