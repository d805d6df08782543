import Foundation
import Synchronization

/// One message between workers: a batch or a progress signal of one exchange.
package struct Envelope: @unchecked Sendable {
    // @unchecked: `batch` holds an array of the exchange's item type, which the
    // typed API requires to be Sendable; the existential just erases that type.
    package enum Payload {
        case batch(Any, count: Int)
        /// A batch from another process, still encoded: `count` items from
        /// `start` to the end of `bytes` (decoded by the receiving worker).
        case encoded(bytes: [UInt8], start: Int, count: Int)
        case progress(Progress)
    }

    /// Which exchange of the dataflow this belongs to.
    package let exchange: Int
    /// The sending worker.
    package let from: Int
    package let payload: Payload

    package init(exchange: Int, from: Int, payload: Payload) {
        self.exchange = exchange
        self.from = from
        self.payload = payload
    }
}

/// A worker's inbox: many senders, one receiving thread. Senders never block
/// (so workers cannot deadlock on each other); instead `pendingItems` counts
/// what waits here, and sources throttle on it (back-pressure).
package final class Mailbox: @unchecked Sendable {
    // @unchecked: `queue` and `wakeRequested` are only touched under `condition`.
    private let condition = NSCondition()
    private var queue: [Envelope] = []
    private var wakeRequested = false
    /// Items sent here and not yet processed by the receiving worker.
    package let pendingItems = Atomic<Int>(0)
    /// The back-pressure limit; crossing below it calls `onDrained`.
    package let limit: Int
    /// Wakes throttled senders; set once, before the workers start.
    private var onDrained: (@Sendable () -> Void)?

    package init(limit: Int = .max) { self.limit = limit }

    /// Sets what to call when the inbox drains below its limit (before workers start).
    package func setDrainHandler(_ handler: (@Sendable () -> Void)?) { onDrained = handler }

    /// Enqueues one message and wakes the receiver.
    package func send(_ envelope: Envelope) {
        switch envelope.payload {
        case .batch(_, let count), .encoded(_, _, let count): pendingItems.add(count, ordering: .relaxed)
        case .progress: break
        }
        condition.lock()
        queue.append(envelope)
        condition.signal()
        condition.unlock()
    }

    /// Takes every queued message at once.
    package func takeAll() -> [Envelope] {
        condition.lock()
        defer { condition.unlock() }
        if queue.isEmpty { return [] }
        let taken = queue
        queue.removeAll(keepingCapacity: true)
        return taken
    }

    /// Marks `count` items as processed.
    package func processed(_ count: Int) {
        let after = pendingItems.subtract(count, ordering: .relaxed).newValue
        if after <= limit && after + count > limit { onDrained?() }
    }

    /// Wakes the receiver even if nothing was sent (used to stop a run).
    package func wake() {
        condition.lock()
        wakeRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until a message arrives, a wake is requested, or `deadline` passes.
    package func wait(until deadline: Date) {
        condition.lock()
        if queue.isEmpty && !wakeRequested {
            _ = condition.wait(until: deadline)
        }
        wakeRequested = false
        condition.unlock()
    }
}
