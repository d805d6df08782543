// Anomaly detection over two generated metrics (after Bytewax's "scaling with
// Ray" example): the metrics are merged, spread over all workers with
// `redistribute`, and each metric's last ten values are kept with
// `statefulMap` to flag values more than `threshold` standard deviations from
// their mean.
//
//   swift run anomaly-detector -w 2 --count 30
import ArgumentParser
import Foundation
import Sluice

/// The detector's state for one metric: its last ten values and their statistics.
struct DetectorState: Codable, Sendable {
    var lastTen: [Double] = []
    var mean: Double = 0
    var sigma: Double = 0

    /// True if `value` is more than `threshold` standard deviations from the mean.
    func isAnomalous(_ value: Double, threshold: Double) -> Bool {
        guard !lastTen.isEmpty, sigma > 0 else { return false }
        return abs(value - mean) / sigma > threshold
    }

    /// Adds a value, keeping the last ten, and recomputes the statistics.
    mutating func push(_ value: Double) {
        lastTen.insert(value, at: 0)
        if lastTen.count > 10 { lastTen.removeLast(lastTen.count - 10) }
        mean = lastTen.reduce(0, +) / Double(lastTen.count)
        sigma = (lastTen.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(lastTen.count)).squareRoot()
    }
}

/// Builds the anomaly-detector dataflow.
func makeAnomalyFlow(count: Int, interval: Duration, threshold: Double, debug: Bool) -> Dataflow {
    let flow = Dataflow("anomaly_detector")
    let volts = flow.input("inp_v", RandomMetricSource(name: "v_metric", interval: interval, count: count, seed: 1))
    let hertz = flow.input("inp_hz", RandomMetricSource(name: "hz_metric", interval: interval, count: count, seed: 2))
    var metrics = volts.merge("merge", hertz).redistribute("distribute")
    if debug { metrics = metrics.inspectDebug("dist") }
    metrics
        .statefulMap("detector") { (state: DetectorState?, value: Double) in
            var state = state ?? DetectorState()
            let anomalous = state.isAnomalous(value, threshold: threshold)
            state.push(value)
            return (state, (value: value, mean: state.mean, sigma: state.sigma, anomalous: anomalous))
        }
        .map("format") { pair in
            let r = pair.value
            return "\(pair.key): value = \(r.value), mu = \(String(format: "%.2f", r.mean)), "
                + "sigma = \(String(format: "%.2f", r.sigma)), \(r.anomalous)"
        }
        .output("output", StdOutSink())
    return flow
}

struct AnomalyDetector: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly-detector", abstract: "Flags anomalous values of two generated metrics.")

    @Option(help: "Values per metric.") var count = 20
    @Option(help: "Milliseconds between values.") var intervalMs = 50
    @Option(help: "Standard deviations that make a value anomalous.") var threshold = 2.0
    @Flag(help: "Print which worker holds each value after `redistribute`.") var debug = false
    @OptionGroup var sluice: SluiceOptions

    func run() throws {
        let flow = makeAnomalyFlow(
            count: count, interval: .milliseconds(intervalMs), threshold: threshold, debug: debug)
        // Honours every Sluice option: -w, -r (resume), -i/-a or --processes (a cluster),
        // and SIGINT/SIGTERM (a graceful stop).
        try sluice.run(flow)
    }
}

AnomalyDetector.main()
