import CoreMetrics

/// The process gauges: `sluice_running` (1 while a dataflow runs in this
/// process) and `sluice_ready` (1 once the run resumed from its recovery
/// store and, in a cluster, every process is connected; 0 again when the
/// run ends).
///
/// ```swift
/// ProcessMetrics.running(true)
/// ProcessMetrics.ready(true)
/// ```
package enum ProcessMetrics {
    /// Records whether a dataflow runs.
    package static func running(_ value: Bool) {
        guard SluiceMetrics.isRecording else { return }
        Gauge(label: SluiceMetrics.Name.running).record(value ? 1 : 0)
    }

    /// Records whether the run is ready (resumed and connected).
    package static func ready(_ value: Bool) {
        guard SluiceMetrics.isRecording else { return }
        Gauge(label: SluiceMetrics.Name.ready).record(value ? 1 : 0)
    }
}
