import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// A key restored from a snapshot keeps its timer: `collect`'s timeout fires
/// after a resume even though no new item for the key ever arrives.
@Suite struct RestoredTimerTests {
    /// One partition: two "a"s, then (first run) an abort once their epoch is
    /// committed; after a resume it emits nothing and ends only once `done` holds.
    struct GatedSource: PartitionedSource {
        let store: InMemoryRecoveryStore
        let aborted: Flag
        let done: @Sendable () -> Bool

        func listPartitions() throws -> [PartitionKey] { ["only"] }
        func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
            Partition(source: self, position: resumeState ?? 0)
        }

        final class Partition: SourcePartition {
            let source: GatedSource
            var position: Int
            init(source: GatedSource, position: Int) {
                self.source = source
                self.position = position
            }

            func nextBatch() throws -> [String]? {
                if position < 2 {
                    position = 2
                    return ["a", "a"]
                }
                if !source.aborted.isSet {
                    // Abort (like a crash) once the two items are in a committed snapshot.
                    guard source.store.committedEpoch != nil else { return [] }
                    source.aborted.set()
                    throw Boom("crash after the snapshot")
                }
                return source.done() ? nil : []
            }

            func snapshot() -> Int { position }
        }
    }

    @Test func aRestoredKeysTimeoutFiresWithoutNewItems() throws {
        let store = InMemoryRecoveryStore()
        let aborted = Flag()
        let sink = TestingSink<[String]>()
        func flow() -> Dataflow {
            let flow = Dataflow("restored_timer")
            flow.input("in", GatedSource(store: store, aborted: aborted, done: { !sink.items.isEmpty }))
                .keyOn("key") { $0 }
                .collect("batch", timeout: .seconds(3), maxSize: 10)
                .map("values") { $0.value }
                .output("out", sink)
            return flow
        }
        let configuration = recoveryConfiguration(workers: 1, store: store)

        let first = runBounded(flow(), configuration: configuration)
        #expect(throws: DataflowError.self) { try first?.get() }
        #expect(sink.items.isEmpty, "the first run ended before the timeout (3 s)")

        // Without the restored timer the resumed run never ends (the source waits for the batch).
        let second = runBounded(flow(), configuration: configuration)
        #expect(throws: Never.self) { try second?.get() }
        #expect(sink.items == [["a", "a"]])
    }
}
