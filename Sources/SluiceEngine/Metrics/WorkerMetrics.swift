import CoreMetrics

/// One worker's gauges and counters: inbox depth, back-pressure throttles,
/// the current epoch and how long closing an epoch takes on this worker
/// (sending its barriers through the worker's steps, snapshots handed over).
///
/// ```swift
/// let metrics = WorkerMetrics(worker: WorkerIndex(0))
/// metrics.inbox(depth: 12)
/// ```
package final class WorkerMetrics {
    private let inboxDepth: Gauge
    private let throttles: Counter
    private let epochCurrent: Gauge
    private let epochClose: CoreMetrics.Timer
    /// False with swift-metrics' no-op backend: nothing is recorded.
    package let isRecording: Bool
    private var lastDepth = -1
    private var wasThrottled = false

    package init(worker: WorkerIndex) {
        let labels = [SluiceMetrics.label(worker)]
        inboxDepth = Gauge(label: SluiceMetrics.Name.workerInboxDepth, dimensions: labels)
        throttles = Counter(label: SluiceMetrics.Name.workerThrottles, dimensions: labels)
        epochCurrent = Gauge(label: SluiceMetrics.Name.epochCurrent, dimensions: labels)
        epochClose = CoreMetrics.Timer(label: SluiceMetrics.Name.epochCloseSeconds, dimensions: labels)
        isRecording = SluiceMetrics.isRecording
    }

    /// Records the items waiting in the inbox (only when the number changed).
    @inline(__always)
    package func inbox(depth: Int) {
        guard isRecording, depth != lastDepth else { return }
        lastDepth = depth
        inboxDepth.record(depth)
    }

    /// Counts a throttle: the sources start waiting for back-pressure (each
    /// stretch of waiting counts once).
    @inline(__always)
    package func throttled(_ throttled: Bool) {
        guard isRecording else { return }
        if throttled && !wasThrottled { throttles.increment() }
        wasThrottled = throttled
    }

    /// Records the epoch the worker's sources are in now.
    package func current(_ epoch: Epoch) {
        guard isRecording else { return }
        epochCurrent.record(Int64(clamping: epoch.rawValue))
    }

    /// Records how long closing an epoch took, from `start` (`MonotonicNanos`).
    package func closed(since start: UInt64) {
        guard isRecording else { return }
        epochClose.recordNanoseconds(Int64(clamping: MonotonicNanos.now() &- start))
    }
}
