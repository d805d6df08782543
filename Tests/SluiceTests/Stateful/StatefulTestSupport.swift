import Foundation
import Sluice
import SluiceTesting
import Synchronization
import Testing

// Helpers shared by the stateful operator tests (StatefulTests, JoinTests,
// CollectTests, the …Final tests and StatefulOracleTests).

/// The longest one run may take before a test fails instead of hanging. It
/// only bounds a broken run; no test passes or fails because of timing.
let runBound: TimeInterval = 30

/// A run that did not return within `runBound`.
struct RunTimedOut: Error, CustomStringConvertible {
    let workers: Int
    var description: String { "the flow did not finish within \(Int(runBound)) s with \(workers) worker(s)" }
}

/// Carries the flow to the helper thread of `runBounded`, and its outcome back.
// @unchecked: the flow is built before the thread starts and only read by it
// (through `run`); the test thread never touches it again while it runs. The
// outcome is guarded by its mutex.
private final class FlowHandoff: @unchecked Sendable {
    let flow: Dataflow
    let outcome = Mutex<Result<Void, any Error>?>(nil)
    init(_ flow: Dataflow) { self.flow = flow }
}

/// Runs `flow` on a helper thread and waits at most `runBound` for it.
/// - Throws: What the run throws, or `RunTimedOut`.
func runBounded(_ flow: Dataflow, workers: Int, epochInterval: Duration = .seconds(10)) throws {
    let configuration = RunConfiguration(workers: workers, epochInterval: epochInterval)
    let handoff = FlowHandoff(flow)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let result = Result { try run(handoff.flow, configuration: configuration) }
        handoff.outcome.withLock { $0 = result }
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + runBound) == .success else { throw RunTimedOut(workers: workers) }
    try handoff.outcome.withLock { $0 }!.get()
}

/// Builds a fresh flow with `build` for 1, 2 and 3 workers, runs each (bounded)
/// and returns the sink's items per worker count.
func outputsPerWorkerCount<Out: Sendable>(
    epochInterval: Duration = .seconds(10), _ build: (Dataflow) -> TestingSink<Out>
) throws -> [Int: [Out]] {
    var results: [Int: [Out]] = [:]
    for count in workerCounts {
        let flow = Dataflow("test")
        let sink = build(flow)
        try runBounded(flow, workers: count, epochInterval: epochInterval)
        results[count] = sink.items
    }
    return results
}

/// Groups keyed results by key, keeping their order within each key.
func groupedByKey<Value>(_ items: [KV<Value>]) -> [String: [Value]] {
    var groups: [String: [Value]] = [:]
    for item in items { groups[item.key, default: []].append(item.value) }
    return groups
}

/// Runs the flow with 1, 2 and 3 workers and requires, for every worker count,
/// the same values per key in the same order (which keyed operators guarantee
/// when the input is a single partition); returns the per-key sequences.
func expectSamePerKeyOnEveryWorkerCount<Value: Comparable & Sendable>(
    epochInterval: Duration = .seconds(10), _ build: (Dataflow) -> TestingSink<KV<Value>>,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: [Value]] {
    let results = try outputsPerWorkerCount(epochInterval: epochInterval, build)
    let single = groupedByKey(results[1]!)
    for count in workerCounts.dropFirst() {
        #expect(
            groupedByKey(results[count]!) == single, "workers=\(count) differs from workers=1 (per key, in order)",
            sourceLocation: sourceLocation)
    }
    return single
}

/// Runs the flow with 1, 2 and 3 workers (bounded) and requires the same
/// multiset of outputs from each; returns the single-worker output sorted.
func expectSameMultisetOnEveryWorkerCount<Out: Comparable & Sendable>(
    epochInterval: Duration = .seconds(10), _ build: (Dataflow) -> TestingSink<Out>,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Out] {
    let results = try outputsPerWorkerCount(epochInterval: epochInterval, build)
    let single = results[1]!.sorted()
    for count in workerCounts.dropFirst() {
        #expect(results[count]!.sorted() == single, "workers=\(count) differs from workers=1", sourceLocation: sourceLocation)
    }
    return single
}

/// A flag set by one thread (a sink or inspect step) and read by another (a source).
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// A counter shared between worker threads.
final class SharedCounter: Sendable {
    private let value = Mutex(0)
    /// Adds one and returns the new count.
    @discardableResult func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

/// A one-partition source that keeps the run alive until something downstream
/// has been observed: it emits `first` as one batch, then answers "nothing yet"
/// (polled again a few ms later) until `until` is set, then emits `then` as one
/// batch and ends. If `until` is never set it gives up after `runBound / 2`
/// and records that in `gaveUp`, so a missing observation fails the test
/// instead of hanging it.
struct KeepAliveSource<Item: Sendable>: PartitionedSource {
    let first: [Item]
    let then: [Item]
    let until: Flag
    let gaveUp = Flag()

    init(_ first: [Item], then: [Item] = [], until: Flag) {
        self.first = first
        self.then = then
        self.until = until
    }

    func listPartitions() throws -> [PartitionKey] { [PartitionKey("only")] }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        Partition(first: first, then: then, until: until, gaveUp: gaveUp)
    }

    final class Partition: SourcePartition {
        private enum Phase { case first, waiting, then, done }
        private let first: [Item]
        private let then: [Item]
        private let until: Flag
        private let gaveUp: Flag
        private var phase = Phase.first
        private let giveUpAt = Date().addingTimeInterval(runBound / 2)

        init(first: [Item], then: [Item], until: Flag, gaveUp: Flag) {
            self.first = first
            self.then = then
            self.until = until
            self.gaveUp = gaveUp
        }

        func nextBatch() throws -> [Item]? {
            switch phase {
            case .first:
                phase = .waiting
                return first
            case .waiting:
                if until.isSet {
                    phase = .then
                    return []
                }
                if Date() > giveUpAt {
                    gaveUp.set()
                    phase = .done
                    return nil
                }
                return []
            case .then:
                phase = .done
                return then.isEmpty ? nil : then
            case .done:
                return nil
            }
        }

        func nextAwake() -> Date? {
            phase == .waiting ? Date().addingTimeInterval(0.002) : nil
        }
    }
}

/// Keyed test input: `[("a", 1), …]` as a single-partition source.
func keyedSource<Value: Sendable>(_ pairs: [(String, Value)], batchSize: Int = 1) -> TestingSource<KV<Value>>
where Value: Comparable {
    TestingSource(pairs.map { KV($0.0, $0.1) }, batchSize: batchSize)
}

extension DataStream {
    /// Turns `KV` items back into keyed tuples for the keyed operators.
    func keyed<Value: Comparable>(_ name: String = "keyed") -> KeyedStream<Value> where Item == KV<Value> {
        map(name) { (key: $0.key, value: $0.value) }
    }
}

/// A configuration that snapshots every 1 ms epoch into `store`, for recovery tests.
func recoveryConfiguration(workers: Int, store: any RecoveryStore) -> RunConfiguration {
    var configuration = RunConfiguration(workers: workers)
    configuration.epochInterval = .milliseconds(1)
    configuration.recoveryStore = store
    return configuration
}
