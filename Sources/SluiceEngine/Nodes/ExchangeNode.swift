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
/// destination and hands the pieces over. Arrays move between the threads of
/// a process without serialization; a piece for a worker of another process
/// is encoded with the exchange's codec and sent as one frame. The local
/// piece goes straight into the local gate.
package final class ExchangeSender<Item: Sendable>: BatchConsumer {
    private let exchange: Int
    private let step: StepID
    private let worker: Int
    private let workerCount: Int
    private let routing: ExchangeRouting<Item>
    private let network: WorkerNetwork
    private let codec: ItemCodec<Item>?
    private let local: ExchangeReceiver<Item>
    private var rotation: Int

    /// - Parameters:
    ///   - step: The step the exchange belongs to (named in errors).
    ///   - codec: Encodes items for workers of other processes; required
    ///     when the run has several processes.
    package init(
        exchange: Int, step: StepID, worker: Int, routing: ExchangeRouting<Item>,
        network: WorkerNetwork, codec: ItemCodec<Item>?, local: ExchangeReceiver<Item>
    ) {
        self.exchange = exchange
        self.step = step
        self.worker = worker
        self.workerCount = network.workerCount
        self.routing = routing
        self.network = network
        self.codec = codec
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
        for mailbox in network.mailboxes where mailbox !== network.mailbox(of: worker) {
            mailbox.send(Envelope(exchange: exchange, from: worker, payload: .progress(signal)))
        }
        try network.broadcastProgress(exchange: exchange, from: worker, signal: signal)
        try local.pushLocal(progress: signal)
    }

    private func send(_ part: [Item], to target: Int) throws {
        if target == worker {
            try local.pushLocal(part)
        } else if network.isLocal(target) {
            network.mailbox(of: target).send(
                Envelope(exchange: exchange, from: worker, payload: .batch(part, count: part.count)))
        } else {
            guard let codec else {
                throw ExchangeCodingError.notCodable(typeName: "\(Item.self)").failure(step: step, worker: worker)
            }
            var bytes = WireMessage.batchHeader(exchange: exchange, from: worker, to: target, count: part.count)
            do {
                try codec.encode(part, into: &bytes)
            } catch {
                throw ExchangeCodingError.encodingFailed(typeName: codec.typeName, cause: "\(error)")
                    .failure(step: step, worker: worker)
            }
            try network.sendRemote(bytes, toWorker: target)
        }
    }
}

/// The receiving half of an exchange on one worker: one channel per sending
/// worker (in every process), aligned by a gate, feeding the downstream step.
package final class ExchangeReceiver<Item>: ExchangeReceiving {
    private let worker: Int
    private let step: StepID
    private let codec: ItemCodec<Item>?
    private var gate: Gate<Item>!

    package init(worker: Int, step: StepID, network: WorkerNetwork, codec: ItemCodec<Item>?, output: Emitter<Item>) {
        self.worker = worker
        self.step = step
        self.codec = codec
        let mailbox = network.mailbox(of: worker)
        gate = Gate(
            channels: network.workerCount,
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
        case let .encoded(bytes, start, count):
            try gate.push(channel: envelope.from, batch: try decode(bytes, start: start, count: count, from: envelope.from))
        case .progress(let progress):
            try gate.push(channel: envelope.from, progress: progress)
        }
    }

    private func decode(_ bytes: [UInt8], start: Int, count: Int, from sender: Int) throws -> [Item] {
        guard let codec else {
            throw ExchangeCodingError.notCodable(typeName: "\(Item.self)").failure(step: step, worker: worker)
        }
        do {
            let items = try codec.decode(bytes, range: start..<bytes.count, count: count)
            guard items.count == count else {
                throw WireError("\(items.count) items decoded, \(count) announced")
            }
            return items
        } catch {
            throw ExchangeCodingError.decodingFailed(typeName: codec.typeName, sender: sender, cause: "\(error)")
                .failure(step: step, worker: worker)
        }
    }
}

/// Why items could not cross between processes.
package enum ExchangeCodingError: Error, CustomStringConvertible {
    /// The item type is not `Codable`, so it cannot go to another process.
    case notCodable(typeName: String)
    /// Encoding a batch failed.
    case encodingFailed(typeName: String, cause: String)
    /// A batch from another process could not be decoded.
    case decodingFailed(typeName: String, sender: Int, cause: String)

    /// This error as the failure of `step` on `worker`.
    func failure(step: StepID, worker: Int) -> DataflowError {
        .stepFailed(step: step, worker: WorkerIndex(worker), item: nil, underlying: self)
    }

    package var description: String {
        switch self {
        case let .notCodable(typeName):
            return "items of type \(typeName) must go to another process here, but the type is not Codable; "
                + "make it Codable, or run in one process"
        case let .encodingFailed(typeName, cause):
            return "cannot encode items of type \(typeName) for another process: \(cause)"
        case let .decodingFailed(typeName, sender, cause):
            return "cannot decode items of type \(typeName) from worker \(sender): \(cause)"
        }
    }
}
