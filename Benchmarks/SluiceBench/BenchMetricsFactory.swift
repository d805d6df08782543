import CoreMetrics
import Foundation
import Synchronization

/// A metrics backend shaped like a Prometheus client (swift-prometheus is
/// not in the package mirror): counters are atomics, gauges a locked value,
/// timers and recorders locked histograms with fixed buckets. `--metrics on`
/// bootstraps it, so the benchmark measures what recording costs against
/// swift-metrics' no-op default.
///
/// ```swift
/// MetricsSystem.bootstrap(BenchMetricsFactory())
/// ```
final class BenchMetricsFactory: MetricsFactory, Sendable {
    private let counters = Mutex<[String: BenchCounter]>([:])
    private let floats = Mutex<[String: BenchFloatCounter]>([:])
    private let histograms = Mutex<[String: BenchHistogram]>([:])

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
    }

    /// The series of `key` in `registry`, made (and kept) on first use.
    private static func series<Handler>(
        _ registry: borrowing Mutex<[String: Handler]>, _ key: String, _ make: () -> Handler
    ) -> Handler {
        registry.withLock { series in
            if let existing = series[key] { return existing }
            let made = make()
            series[key] = made
            return made
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        Self.series(counters, Self.key(label, dimensions)) { BenchCounter() }
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        Self.series(floats, Self.key(label, dimensions)) { BenchFloatCounter() }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        Self.series(histograms, Self.key(label, dimensions)) { BenchHistogram(buckets: BenchHistogram.sizes) }
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        Self.series(histograms, Self.key(label, dimensions)) { BenchHistogram(buckets: BenchHistogram.seconds) }
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        Self.series(histograms, Self.key(label, dimensions)) { BenchHistogram(buckets: BenchHistogram.sizes) }
    }

    func destroyCounter(_ handler: CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}
    func destroyMeter(_ handler: MeterHandler) {}

    /// How many series were created (to show the backend was used).
    var seriesCount: Int {
        counters.withLock { $0.count } + floats.withLock { $0.count } + histograms.withLock { $0.count }
    }
}

/// An atomic integer counter.
final class BenchCounter: CounterHandler, Sendable {
    private let value = Atomic<Int64>(0)
    func increment(by amount: Int64) { value.add(amount, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
}

/// A locked Double counter.
final class BenchFloatCounter: FloatingPointCounterHandler, Sendable {
    private let value = Mutex<Double>(0)
    func increment(by amount: Double) { value.withLock { $0 += amount } }
    func reset() { value.withLock { $0 = 0 } }
}

/// A locked histogram (also the last value, for gauges).
final class BenchHistogram: RecorderHandler, TimerHandler, MeterHandler, Sendable {
    static let seconds: [Double] = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]
    static let sizes: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]

    private struct State {
        var counts: [Int]
        var sum = 0.0
        var last = 0.0
    }

    private let buckets: [Double]
    private let state: Mutex<State>

    init(buckets: [Double]) {
        self.buckets = buckets
        self.state = Mutex(State(counts: Array(repeating: 0, count: buckets.count + 1)))
    }

    private func observe(_ value: Double) {
        let index = buckets.firstIndex { value <= $0 } ?? buckets.count
        state.withLock { state in
            state.counts[index] += 1
            state.sum += value
            state.last = value
        }
    }

    func record(_ value: Int64) { observe(Double(value)) }
    func record(_ value: Double) { observe(value) }
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) / 1e9) }
    func set(_ value: Int64) { observe(Double(value)) }
    func set(_ value: Double) { observe(value) }
    func increment(by amount: Double) { state.withLock { $0.last += amount } }
    func decrement(by amount: Double) { state.withLock { $0.last -= amount } }
}
