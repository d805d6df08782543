import Sluice
import Synchronization

/// Reads a counts topic back: keeps, per word, the highest running count
/// seen (its total once the flow has finished) and how many messages came.
/// Safe to share between workers.
final class WordCountTable: Sendable {
    private let state = Mutex<(highest: [String: Int], messages: Int)>(([:], 0))

    /// The highest count per word.
    var highest: [String: Int] { state.withLock { $0.highest } }
    /// How many count messages were read.
    var messages: Int { state.withLock { $0.messages } }

    func add(_ counts: [(word: String, count: Int)]) {
        state.withLock { state in
            state.messages += counts.count
            for (word, count) in counts { state.highest[word] = max(state.highest[word] ?? 0, count) }
        }
    }

    /// A sink that adds `(word, count)` pairs to this table.
    var sink: Sink { Sink(table: self) }

    struct Sink: PerWorkerSink {
        let table: WordCountTable
        func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition { Partition(table: table) }
    }

    final class Partition: SinkPartition {
        let table: WordCountTable
        init(table: WordCountTable) { self.table = table }
        func write(_ batch: [(word: String, count: Int)]) throws { table.add(batch) }
    }
}
