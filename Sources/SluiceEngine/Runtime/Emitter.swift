/// Something that takes the batches and progress signals of one typed stream
/// on one worker. Calls are synchronous and happen on the worker's thread.
package protocol BatchConsumer<Item>: AnyObject {
    associatedtype Item
    /// Takes a non-empty batch.
    func receive(_ batch: [Item]) throws
    /// Takes a progress signal; every item sent before it belongs to an earlier epoch.
    func progress(_ signal: Progress) throws
}

/// The output port of a step on one worker: pushes each batch to every
/// consumer of the stream (fan-out), synchronously and without copying.
package final class Emitter<Item> {
    package private(set) var consumers: [any BatchConsumer<Item>] = []

    package init() {}

    /// Adds a consumer; called while the worker's graph is built.
    package func subscribe(_ consumer: any BatchConsumer<Item>) { consumers.append(consumer) }

    /// Sends a batch downstream; empty batches are dropped here, once.
    @inline(__always)
    package func emit(_ batch: [Item]) throws {
        if batch.isEmpty { return }
        for consumer in consumers { try consumer.receive(batch) }
    }

    /// Sends a progress signal downstream.
    package func signal(_ progress: Progress) throws {
        for consumer in consumers { try consumer.progress(progress) }
    }
}

/// A consumer made of two closures, for small adapters.
package final class ClosureConsumer<Item>: BatchConsumer {
    private let onBatch: ([Item]) throws -> Void
    private let onProgress: (Progress) throws -> Void

    package init(onBatch: @escaping ([Item]) throws -> Void, onProgress: @escaping (Progress) throws -> Void) {
        self.onBatch = onBatch
        self.onProgress = onProgress
    }

    package func receive(_ batch: [Item]) throws { try onBatch(batch) }
    package func progress(_ signal: Progress) throws { try onProgress(signal) }
}
