import Sluice
import SluiceTesting
import Testing

/// The worker counts every operator test runs with.
let workerCounts = [1, 2, 3]

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
        var configuration = RunConfiguration(workers: count)
        configuration.epochInterval = epochInterval
        try run(flow, configuration: configuration)
        results[count] = sink.items
    }
    return results
}

/// Runs the flow with 1, 2 and 3 workers and requires the same multiset of
/// outputs from each; returns the single-worker output (in its order).
func expectSameOnEveryWorkerCount<Out: Sendable & Comparable>(
    _ build: (Dataflow) -> TestingSink<Out>, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Out] {
    let results = try runEachWorkerCount(workerCounts, build)
    let single = results[1]!
    for count in workerCounts.dropFirst() {
        #expect(results[count]!.sorted() == single.sorted(), "workers=\(count) differs from workers=1", sourceLocation: sourceLocation)
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
