import Sluice

/// A source of the given lines, in one partition, `batchSize` lines per
/// batch; its resume state is how many lines it has emitted. The demo
/// produces its sample text to Kafka with it.
struct LinesSource: PartitionedSource {
    let lines: [String]
    var batchSize = 1000

    func listPartitions() throws -> [PartitionKey] { [PartitionKey("lines")] }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        Partition(lines: lines, batchSize: batchSize, emitted: resumeState ?? 0)
    }

    final class Partition: SourcePartition {
        private let lines: [String]
        private let batchSize: Int
        private var emitted: Int

        init(lines: [String], batchSize: Int, emitted: Int) {
            self.lines = lines
            self.batchSize = max(1, batchSize)
            self.emitted = emitted
        }

        func nextBatch() throws -> [String]? {
            guard emitted < lines.count else { return nil }
            let end = min(lines.count, emitted + batchSize)
            defer { emitted = end }
            return Array(lines[emitted..<end])
        }

        func snapshot() -> Int { emitted }
    }
}
