import Foundation
import Sluice

/// A demo source of one metric: emits `(metric name, random value in 0..<10)`
/// every `interval`, `count` times, from a seeded generator (so runs repeat).
/// One partition; its resume state is how many values it has emitted.
struct RandomMetricSource: PartitionedSource {
    let name: String
    let interval: Duration
    let count: Int
    let seed: UInt64

    func listPartitions() throws -> [PartitionKey] { [PartitionKey(name)] }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        Partition(name: name, interval: interval.seconds, count: count, seed: seed, emitted: resumeState ?? 0)
    }

    final class Partition: SourcePartition {
        private let name: String
        private let interval: TimeInterval
        private let count: Int
        private var emitted: Int
        private var generator: SplitMix64
        private var due = Date()

        init(name: String, interval: TimeInterval, count: Int, seed: UInt64, emitted: Int) {
            self.name = name
            self.interval = interval
            self.count = count
            self.emitted = emitted
            self.generator = SplitMix64(seed: seed)
            for _ in 0..<emitted { _ = generator.next() }
        }

        func nextBatch() throws -> [(key: String, value: Double)]? {
            if emitted >= count { return nil }
            let now = Date()
            guard now >= due else { return [] }
            emitted += 1
            due = now.addingTimeInterval(interval)
            return [(name, Double(generator.next() % 10))]
        }

        func nextAwake() -> Date? { due }
        func snapshot() -> Int { emitted }
    }
}

/// A small, seedable random generator (SplitMix64), the same on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
