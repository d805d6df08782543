import CoreMetrics

/// One step's counters on one worker: items in and out, batches, and the
/// seconds spent in the step's batch function (user closures included).
/// Resolved once when the worker builds the step; counted per batch, never
/// per item; with no backend bootstrapped it records nothing and reads no clock.
///
/// ```swift
/// let metrics = StepMetrics(step: "flow.parse", worker: WorkerIndex(0))
/// let start = metrics.start()
/// let out = try transform(batch)
/// metrics.batch(in: batch.count, out: out.count, since: start)
/// ```
package struct StepMetrics {
    private let itemsIn: Counter
    private let itemsOut: Counter
    private let batches: Counter
    private let userCode: FloatingPointCounter
    /// False with swift-metrics' no-op backend: nothing is recorded.
    package let isRecording: Bool

    package init(step: StepID, worker: WorkerIndex) {
        let labels = [SluiceMetrics.label(step), SluiceMetrics.label(worker)]
        itemsIn = Counter(label: SluiceMetrics.Name.stepItemsIn, dimensions: labels)
        itemsOut = Counter(label: SluiceMetrics.Name.stepItemsOut, dimensions: labels)
        batches = Counter(label: SluiceMetrics.Name.stepBatches, dimensions: labels)
        userCode = FloatingPointCounter(label: SluiceMetrics.Name.stepUserCodeSeconds, dimensions: labels)
        isRecording = SluiceMetrics.isRecording
    }

    /// The time a batch starts (0 when nothing is recorded).
    @inline(__always)
    package func start() -> UInt64 { isRecording ? MonotonicNanos.now() : 0 }

    /// Counts one batch of a transforming step: `in` items taken, `out` emitted,
    /// and the time since `start` spent in its function.
    @inline(__always)
    package func batch(in taken: Int, out emitted: Int, since start: UInt64) {
        guard isRecording else { return }
        let elapsed = MonotonicNanos.now() &- start
        itemsIn.increment(by: taken)
        itemsOut.increment(by: emitted)
        batches.increment()
        userCode.increment(by: Double(elapsed) / 1e9)
    }

    /// Counts one batch a source emitted.
    @inline(__always)
    package func emitted(_ count: Int) {
        guard isRecording else { return }
        itemsOut.increment(by: count)
        batches.increment()
    }

    /// Counts one batch a sink took.
    @inline(__always)
    package func taken(_ count: Int) {
        guard isRecording else { return }
        itemsIn.increment(by: count)
        batches.increment()
    }
}
