import Dispatch
import Foundation
import ServiceLifecycle
import Sluice
import SluiceTestSupport
import Synchronization
import Testing

/// Numbers 0..<`count` per partition, two at a time from the resume
/// position; with `pauseAt` each partition idles forever once it got there
/// (the run then ends only when stopped), and `paused` fires when all did.
struct PausingNumbers: PartitionedSource {
    let partitions: Int
    let count: Int
    let pauseAt: Int?
    let paused: Counter

    func listPartitions() throws -> [PartitionKey] { (0..<partitions).map { PartitionKey("p\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        let index = Int(key.rawValue.dropFirst())!
        return Partition(base: index * count, count: count, next: resumeState ?? 0, pauseAt: pauseAt, paused: paused)
    }

    final class Partition: SourcePartition {
        let base: Int
        let count: Int
        var next: Int
        let pauseAt: Int?
        let paused: Counter
        var reported = false

        init(base: Int, count: Int, next: Int, pauseAt: Int?, paused: Counter) {
            self.base = base
            self.count = count
            self.next = next
            self.pauseAt = pauseAt
            self.paused = paused
        }

        func nextBatch() throws -> [Int]? {
            if let pauseAt, next >= pauseAt {
                if !reported {
                    reported = true
                    paused.countDown()
                }
                return []
            }
            guard next < count else { return nil }
            let end = min(next + 2, pauseAt ?? count, count)
            defer { next = end }
            return (next..<end).map { base + $0 }
        }

        func nextAwake() -> Date? { reported ? .distantFuture : nil }

        func snapshot() -> Int { next }
    }
}

/// Fires `done` once `countDown()` was called `count` times.
final class Counter: Sendable {
    let done = Signal()
    private let remaining: Atomic<Int>

    init(_ count: Int) { remaining = Atomic(count) }

    func countDown() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { done.fire() }
    }
}

/// A sink that records when its last partition closed (the run ended).
final class ClosingSink: PerWorkerSink, Sendable {
    let items = Mutex<[String]>([])
    let closed = Signal()
    private let open: Atomic<Int>
    /// Called once when the last partition closes.
    let onClose: @Sendable () -> Void

    /// - Parameter partitions: Output steps writing here times workers.
    init(partitions: Int, onClose: @escaping @Sendable () -> Void = {}) {
        open = Atomic(partitions)
        self.onClose = onClose
    }

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition { Partition(sink: self) }

    final class Partition: SinkPartition {
        let sink: ClosingSink
        init(sink: ClosingSink) { self.sink = sink }
        func write(_ batch: [String]) throws { sink.items.withLock { $0.append(contentsOf: batch) } }
        func close() throws {
            if sink.open.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                sink.onClose()
                sink.closed.fire()
            }
        }
    }
}

/// A long-running service on the cooperative pool: counts loops until the
/// group's graceful shutdown reaches it (or it is cancelled).
final class LoopService: Service, Sendable {
    let loops = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    let started = Signal()

    func run() async throws {
        defer { finished.store(true, ordering: .releasing) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            loops.add(1, ordering: .acquiringAndReleasing)
            started.fire()
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}
