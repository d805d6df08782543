import Foundation
import Sluice

/// A source of `partitions` partitions that emit numbers until the run
/// stops, about one batch per millisecond. `listGate` holds
/// `listPartitions` (start-up) and `closeGate` holds `close` (shutdown)
/// until they are signalled, so a test can look at the run in those phases.
struct EndlessSource: PartitionedSource {
    let partitions: Int
    var listGate: DispatchSemaphore?
    var closeGate: DispatchSemaphore?

    func listPartitions() throws -> [PartitionKey] {
        if let listGate, listGate.wait(timeout: .now() + 20) == .timedOut {
            throw GateTimeout(what: "listPartitions")
        }
        return (0..<partitions).map { PartitionKey("p\($0)") }
    }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        Partition(next: resumeState ?? 0, closeGate: closeGate)
    }

    final class Partition: SourcePartition {
        private var next: Int
        private let closeGate: DispatchSemaphore?
        private var lastBatch = Date.distantPast

        init(next: Int, closeGate: DispatchSemaphore?) {
            self.next = next
            self.closeGate = closeGate
        }

        func nextBatch() throws -> [Int]? {
            let now = Date()
            guard now.timeIntervalSince(lastBatch) >= 0.001 else { return [] }
            lastBatch = now
            defer { next += 10 }
            return Array(next..<(next + 10))
        }

        func nextAwake() -> Date? { lastBatch.addingTimeInterval(0.001) }

        func snapshot() -> Int { next }

        func close() throws {
            if let closeGate, closeGate.wait(timeout: .now() + 20) == .timedOut {
                throw GateTimeout(what: "close")
            }
        }
    }
}

struct GateTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "the test never opened the \(what) gate" }
}

/// Discards everything (one partition per worker).
struct DiscardSink: PerWorkerSink {
    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition { Partition() }

    final class Partition: SinkPartition {
        func write(_ items: [Int]) throws {}
    }
}

/// input → double → keep even → out, on `EndlessSource`.
func makeEndlessFlow(_ id: String = "t", source: EndlessSource = EndlessSource(partitions: 3)) -> Dataflow {
    let flow = Dataflow(id)
    flow.input("in", source)
        .map("double") { $0 * 2 }
        .filter("even") { $0 % 2 == 0 }
        .output("out", DiscardSink())
    return flow
}
