import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

// Helpers shared by the stateful operator tests (StatefulTests, JoinTests,
// CollectTests, the …Final tests and StatefulOracleTests).

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
    let results = try runEachWorkerCount(workerCounts, epochInterval: epochInterval, build)
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
    let results = try runEachWorkerCount(workerCounts, epochInterval: epochInterval, build)
    let single = results[1]!.sorted()
    for count in workerCounts.dropFirst() {
        #expect(results[count]!.sorted() == single, "workers=\(count) differs from workers=1", sourceLocation: sourceLocation)
    }
    return single
}

/// A one-partition source that keeps the run alive until something downstream
/// has been observed: it emits `first` as one batch, then answers "nothing yet"
/// (polled again a few ms later) until `until` is set, then emits `then` as one
/// batch and ends. If `until` is never set it gives up after `hangBound / 2`
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
        private let giveUpAt = ContinuousClock.now + hangBound / 2

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
                if ContinuousClock.now > giveUpAt {
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
