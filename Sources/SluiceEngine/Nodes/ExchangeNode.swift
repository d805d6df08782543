/// How an exchange picks each item's destination worker.
package enum ExchangeRouting<Item>: Sendable {
    /// To the worker a function names (keyed routing: a stable hash of the key).
    case byWorker(@Sendable (Item, _ workerCount: Int) -> Int)
    /// Splits a whole batch into one array per worker (index = worker). Built
    /// in specialized code, this is the fast path for keyed routing.
    case partitioned(@Sendable ([Item], _ workerCount: Int) -> [[Item]])
    /// Spread evenly: each batch is cut into contiguous slices, one per worker,
    /// starting at a rotating worker so small batches spread too.
    case roundRobin
}

/// Splits `batch` by the stable hash of each item's key; `@inlinable` so that
/// it is specialized where the item type is known.
@inlinable
public func partitionByKey<Value>(
    _ batch: [(key: String, value: Value)], workerCount: Int
) -> [[(key: String, value: Value)]] {
    var parts = [[(key: String, value: Value)]](repeating: [], count: workerCount)
    let expected = batch.count / workerCount + 8
    for index in 0..<workerCount { parts[index].reserveCapacity(expected) }
    for item in batch { parts[StableHash.route(item.key, workerCount: workerCount)].append(item) }
    return parts
}

/// The sending half of an exchange on one worker: splits each batch by
/// destination and hands the pieces over (arrays move between threads without
/// serialization). The local piece goes straight into the local gate.
package final class ExchangeSender<Item: Sendable>: BatchConsumer {
    private let exchange: Int
    private let worker: Int
    private let workerCount: Int
    private let routing: ExchangeRouting<Item>
    private let mailboxes: [Mailbox]
    private let local: ExchangeReceiver<Item>
    private var rotation: Int

    package init(
        exchange: Int, worker: Int, workerCount: Int, routing: ExchangeRouting<Item>,
        mailboxes: [Mailbox], local: ExchangeReceiver<Item>
    ) {
        self.exchange = exchange
        self.worker = worker
        self.workerCount = workerCount
        self.routing = routing
        self.mailboxes = mailboxes
        self.local = local
        self.rotation = worker
    }

    package func receive(_ batch: [Item]) throws {
        if workerCount == 1 {
            try local.pushLocal(batch)
            return
        }
        switch routing {
        case .byWorker(let route):
            var parts = [[Item]](repeating: [], count: workerCount)
            let expected = batch.count / workerCount + 8
            for index in 0..<workerCount { parts[index].reserveCapacity(expected) }
            for item in batch { parts[route(item, workerCount)].append(item) }
            for (target, part) in parts.enumerated() where !part.isEmpty { try send(part, to: target) }
        case .partitioned(let split):
            for (target, part) in split(batch, workerCount).enumerated() where !part.isEmpty {
                try send(part, to: target)
            }
        case .roundRobin:
            let sliceSize = (batch.count + workerCount - 1) / workerCount
            var start = 0
            var target = rotation
            while start < batch.count {
                let end = min(start + sliceSize, batch.count)
                try send(Array(batch[start..<end]), to: target)
                start = end
                target = (target + 1) % workerCount
            }
            rotation = (rotation + 1) % workerCount
        }
    }

    package func progress(_ signal: Progress) throws {
        for target in 0..<workerCount where target != worker {
            mailboxes[target].send(Envelope(exchange: exchange, from: worker, payload: .progress(signal)))
        }
        try local.pushLocal(progress: signal)
    }

    private func send(_ part: [Item], to target: Int) throws {
        if target == worker {
            try local.pushLocal(part)
        } else {
            mailboxes[target].send(Envelope(exchange: exchange, from: worker, payload: .batch(part, count: part.count)))
        }
    }
}

/// The receiving half of an exchange on one worker: one channel per sending
/// worker, aligned by a gate, feeding the downstream step.
package final class ExchangeReceiver<Item>: ExchangeReceiving {
    private let worker: Int
    private var gate: Gate<Item>!

    package init(worker: Int, workerCount: Int, mailbox: Mailbox, output: Emitter<Item>) {
        self.worker = worker
        gate = Gate(
            channels: workerCount,
            deliverBatch: { channel, batch in
                if channel != worker { mailbox.processed(batch.count) }
                try output.emit(batch)
            },
            deliverProgress: { try output.signal($0) })
    }

    package var isFinished: Bool { gate.isFinished }

    package func pushLocal(_ batch: [Item]) throws { try gate.push(channel: worker, batch: batch) }
    package func pushLocal(progress: Progress) throws { try gate.push(channel: worker, progress: progress) }

    package func deliver(_ envelope: Envelope) throws {
        switch envelope.payload {
        case .batch(let any, _):
            try gate.push(channel: envelope.from, batch: any as! [Item])
        case .progress(let progress):
            try gate.push(channel: envelope.from, progress: progress)
        }
    }
}
