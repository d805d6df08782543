import Metrics

/// The backup's metrics, labelled with the store's name:
/// `sluice_backup_upload_failures_total` (failed upload attempts) and
/// `sluice_backup_uploaded_epoch` (the committed epoch the bucket's manifest reaches).
///
/// ```swift
/// let metrics = BackupMetrics(name: "process-0")
/// metrics.uploaded(epoch: 12)
/// ```
struct BackupMetrics: Sendable {
    /// The failure counter's label.
    static let failuresName = "sluice_backup_upload_failures_total"
    /// The uploaded-epoch gauge's label.
    static let uploadedEpochName = "sluice_backup_uploaded_epoch"

    private let failures: Counter
    private let uploadedEpoch: Gauge

    init(name: String) {
        failures = Counter(label: Self.failuresName, dimensions: [("store", name)])
        uploadedEpoch = Gauge(label: Self.uploadedEpochName, dimensions: [("store", name)])
    }

    func failed() { failures.increment() }

    func uploaded(epoch: Int64) { uploadedEpoch.record(epoch) }
}
