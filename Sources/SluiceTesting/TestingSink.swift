import SluiceCore
import Synchronization

/// A sink that collects every item in memory, from all workers, for tests.
///
/// ```swift
/// let out = TestingSink<Int>()
/// flow.input("in", TestingSource([1, 2])).map("x10") { $0 * 10 }.output("out", out)
/// try runMain(flow)
/// #expect(out.items == [10, 20])
/// ```
public final class TestingSink<Item: Sendable>: PerWorkerSink, Sendable {
    private let storage = Mutex<[Item]>([])
    private let failure: Mutex<(@Sendable (Item) -> (any Error)?)?>

    /// Creates an empty sink.
    public init() { failure = Mutex(nil) }

    /// Creates a sink that fails on the first item for which `failWhen` returns an error.
    /// - Parameter failWhen: Returns the error to throw for an item, or nil to accept it.
    public init(failWhen: @escaping @Sendable (Item) -> (any Error)?) { failure = Mutex(failWhen) }

    /// Every item written so far, in the order the workers wrote them.
    public var items: [Item] { storage.withLock { $0 } }

    /// Forgets the items written so far.
    public func clear() { storage.withLock { $0.removeAll() } }

    public func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
        Partition(sink: self)
    }

    fileprivate func append(_ batch: [Item]) throws {
        if let check = failure.withLock({ $0 }) {
            for item in batch { if let error = check(item) { throw error } }
        }
        storage.withLock { $0.append(contentsOf: batch) }
    }

    /// The per-worker writer of a `TestingSink`.
    public final class Partition: SinkPartition {
        private let sink: TestingSink<Item>
        fileprivate init(sink: TestingSink<Item>) { self.sink = sink }
        public func write(_ batch: [Item]) throws { try sink.append(batch) }
    }
}
