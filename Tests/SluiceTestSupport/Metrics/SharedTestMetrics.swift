import CoreMetrics
import Foundation
import MetricsTestKit
import Synchronization

/// The one metrics backend of the whole test process. `MetricsSystem.bootstrap`
/// may run only once per process, and every test target links into one test
/// binary: every test that reads metrics uses `SharedTestMetrics.shared`
/// (which bootstraps on first use), never a bootstrap of its own. Tests run
/// in parallel, so they tell their runs apart by unique step ids, topics or
/// (for per-worker metrics) worker indexes no other test uses.
///
/// It is swift-metrics' `TestMetrics`, plus floating-point counters kept as
/// Doubles (`TestMetrics` rounds them to whole numbers).
///
/// ```swift
/// let metrics = SharedTestMetrics.shared
/// try run(flow, workers: 2)
/// let items = metrics.test.counterTotal(label: "sluice_step_items_in_total", dimensions: [("step", "f.map")])
/// ```
public final class SharedTestMetrics: MetricsFactory, Sendable {
    /// The process-wide instance, bootstrapped on first use.
    public static let shared: SharedTestMetrics = {
        let metrics = SharedTestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    /// Counters, gauges (recorders), timers.
    public let test = TestMetrics()
    private let floats = Mutex<[String: FloatCounter]>([:])

    private init() {}

    /// The sum of the floating-point counters named `label` whose labels include `dimensions`.
    public func floatingPointTotal(label: String, dimensions: [(String, String)]) -> Double {
        floats.withLock { $0.values }.filter { counter in
            counter.label == label && dimensions.allSatisfy { wanted in counter.dimensions.contains { $0 == wanted } }
        }.map(\.value).reduce(0, +)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        let key = label + "|" + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return floats.withLock { floats in
            if let existing = floats[key] { return existing }
            let made = FloatCounter(label: label, dimensions: dimensions)
            floats[key] = made
            return made
        }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        test.makeCounter(label: label, dimensions: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        test.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        test.makeMeter(label: label, dimensions: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        test.makeTimer(label: label, dimensions: dimensions)
    }

    public func destroyCounter(_ handler: CounterHandler) { test.destroyCounter(handler) }
    public func destroyRecorder(_ handler: RecorderHandler) { test.destroyRecorder(handler) }
    public func destroyMeter(_ handler: MeterHandler) { test.destroyMeter(handler) }
    public func destroyTimer(_ handler: TimerHandler) { test.destroyTimer(handler) }
    public func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) {}
}

/// A floating-point counter that keeps its exact sum.
final class FloatCounter: FloatingPointCounterHandler, Sendable {
    let label: String
    let dimensions: [(String, String)]
    private let sum = Mutex<Double>(0)

    init(label: String, dimensions: [(String, String)]) {
        self.label = label
        self.dimensions = dimensions
    }

    var value: Double { sum.withLock { $0 } }
    func increment(by amount: Double) { sum.withLock { $0 += amount } }
    func reset() { sum.withLock { $0 = 0 } }
}
