import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Builds a fresh flow with `build` (which returns the sink it wrote to), runs
/// it with each worker count, and returns the sink's items per worker count.
func runEachWorkerCount<Out: Sendable>(
    _ workers: [Int], epochInterval: Duration = .seconds(10),
    _ build: (Dataflow) -> TestingSink<Out>
) throws -> [Int: [Out]] {
    var results: [Int: [Out]] = [:]
    for count in workers {
        let flow = Dataflow("test")
        let sink = build(flow)
        try runToEnd(flow, workers: count, epochInterval: epochInterval)
        results[count] = sink.items
    }
    return results
}

/// The cluster layouts (processes, workers per process) operator tests also
/// run as, each member with its own TCP connections on 127.0.0.1.
let clusterLayouts: [(processes: Int, workers: Int)] = [(2, 1), (2, 2)]

/// Builds a fresh flow with `build` and runs it as a cluster of each layout
/// (`spawnCluster`); returns the sink's items per layout, in `layouts` order.
func runEachClusterLayout<Out: Sendable>(
    _ layouts: [(processes: Int, workers: Int)] = clusterLayouts, epochInterval: Duration = .seconds(10),
    _ build: (Dataflow) -> TestingSink<Out>
) throws -> [[Out]] {
    try layouts.map { layout in
        let flow = Dataflow("test")
        let sink = build(flow)
        var configuration = RunConfiguration()
        configuration.epochInterval = epochInterval
        try spawnCluster(flow, processes: layout.processes, workersPerProcess: layout.workers, configuration: configuration)
        return sink.items
    }
}

/// Runs the flow with 1, 2 and 3 workers, and as clusters of 2 processes × 1
/// and × 2 workers, and requires the same multiset of outputs from each;
/// returns the single-worker output (in its order).
func expectSameOnEveryWorkerCount<Out: Sendable & Comparable>(
    _ build: (Dataflow) -> TestingSink<Out>, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Out] {
    let results = try runEachWorkerCount(workerCounts, build)
    let single = results[1]!
    for count in workerCounts.dropFirst() {
        #expect(results[count]!.sorted() == single.sorted(), "workers=\(count) differs from workers=1", sourceLocation: sourceLocation)
    }
    for (layout, items) in zip(clusterLayouts, try runEachClusterLayout(clusterLayouts, build)) {
        #expect(
            items.sorted() == single.sorted(),
            "\(layout.processes) processes × \(layout.workers) workers differ from workers=1", sourceLocation: sourceLocation)
    }
    return single
}

/// A keyed result as a comparable pair, for order-insensitive comparison.
struct KV<Value: Comparable & Sendable>: Comparable, Sendable, CustomStringConvertible {
    let key: String
    let value: Value
    init(_ key: String, _ value: Value) { self.key = key; self.value = value }
    static func < (a: KV, b: KV) -> Bool { (a.key, a.value) < (b.key, b.value) }
    var description: String { "(\(key), \(value))" }
}

extension DataStream {
    /// Turns keyed tuples into `KV` so tests can compare them.
    func asKV<Value: Comparable>(_ name: String = "as_kv") -> DataStream<KV<Value>>
    where Item == (key: String, value: Value) {
        map(name) { KV($0.key, $0.value) }
    }
}
