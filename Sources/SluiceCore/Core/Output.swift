import SluiceEngine

extension DataStream {
    /// Writes the stream to a sink that every worker opens for itself.
    ///
    /// ```swift
    /// counts.map("format") { "\($0.key): \($0.value)" }.output("print", StdOutSink())
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - sink: The per-worker sink.
    public func output<Sink: PerWorkerSink>(_ name: String, _ sink: Sink) where Sink.Item == Item {
        outputPerWorker(name, sink)
    }

    private func outputPerWorker<Sink: PerWorkerSink>(_ name: String, _ sink: Sink) where Sink.Item == Item {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        flow.add(StepDefinition(id: stepID, core: .output, inputs: [up], outputs: []) { _ in
            return { builder in
                let key = PartitionKey("worker-\(builder.worker.rawValue)")
                let partition: Sink.Partition
                do {
                    partition = try sink.buildPartition(worker: builder.worker, workerCount: builder.workerCount)
                } catch {
                    throw DataflowError.sinkFailed(step: stepID, partition: key, underlying: error)
                }
                (partition as? any StepLabelled)?.label(step: stepID, worker: builder.worker)
                let node = OutputNode(
                    step: stepID, partitions: [(key, partition)], localIndex: nil, snapshots: builder.snapshots,
                    startEpoch: builder.configuration.startEpoch, worker: builder.worker)
                builder.emitter(up, of: Item.self).subscribe(node)
                builder.addShutdownHook(node)
            }
        })
    }

    /// Writes the stream to a sink that commits together with the recovery
    /// store's snapshots when `sink.commitsWithSnapshots` (exactly-once
    /// output; the run then needs a recovery store), otherwise like any
    /// per-worker sink. On a resumed run the sink first finishes what the
    /// previous run prepared but may not have committed.
    ///
    /// ```swift
    /// counts.map("encode") { KafkaSinkMessage(key: $0.key, value: String($0.value)) }
    ///     .output("out", KafkaSink(brokers: ["localhost:19092"], topic: "counts", exactlyOnce: true))
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - sink: The committing sink.
    public func output<Sink: CommittingSink>(_ name: String, _ sink: Sink) where Sink.Item == Item {
        guard sink.commitsWithSnapshots else { return outputPerWorker(name, sink) }
        let stepID = flow.reserve(name, in: scope)
        let up = id
        flow.add(StepDefinition(id: stepID, core: .output, inputs: [up], outputs: []) { context in
            guard context.configuration.recoveryStore != nil else {
                throw DataflowError.sinkFailed(step: stepID, partition: nil, underlying: SinkConfigurationError.needsRecoveryStore)
            }
            // One process recovers for the whole cluster (the others wait at start-up).
            if context.isLeader, let prepared = context.resume?.states[stepID], !prepared.isEmpty {
                do { try sink.recoverPrepared(step: stepID, prepared) } catch {
                    throw DataflowError.sinkFailed(step: stepID, partition: nil, underlying: error)
                }
            }
            return { builder in
                let key = PartitionKey("worker-\(builder.worker.rawValue)")
                let partition: Sink.Partition
                do {
                    partition = try sink.buildPartition(step: stepID, worker: builder.worker, workerCount: builder.workerCount)
                } catch {
                    throw DataflowError.sinkFailed(step: stepID, partition: key, underlying: error)
                }
                guard let collector = builder.snapshots else { preconditionFailure("checked above: a recovery store is set") }
                (partition as? any StepLabelled)?.label(step: stepID, worker: builder.worker)
                let node = CommittingOutputNode(
                    step: stepID, key: key, partition: partition, collector: collector,
                    startEpoch: builder.configuration.startEpoch, worker: builder.worker)
                builder.emitter(up, of: Item.self).subscribe(node)
                builder.addShutdownHook(node)
                builder.addCommitter(node)
            }
        })
    }

    /// Writes the stream to a partitioned sink: each item goes to the worker
    /// that owns its partition, and each partition is written by one worker.
    ///
    /// ```swift
    /// lines.output("save", FileSink(path: "out.txt"))
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - sink: The partitioned sink.
    public func output<Sink: PartitionedSink>(_ name: String, _ sink: Sink) where Sink.Item == Item {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        flow.add(StepDefinition(id: stepID, core: .output, inputs: [up], outputs: []) { context in
            let keys: [PartitionKey]
            do { keys = try sink.listPartitions() } catch {
                throw DataflowError.sinkFailed(step: stepID, partition: nil, underlying: error)
            }
            guard !keys.isEmpty else {
                throw DataflowError.sinkFailed(
                    step: stepID, partition: nil, underlying: SinkConfigurationError.noPartitions)
            }
            let repeated = PartitionAssignment.duplicates(in: keys)
            guard repeated.isEmpty else {
                throw DataflowError.sinkFailed(
                    step: stepID, partition: nil, underlying: DuplicatePartitionsError(keys: repeated))
            }
            let ordered = keys  // `partition(for:of:)` indexes the sink's own order
            let owners = PartitionAssignment.assign(ordered, step: stepID, workerCount: context.workerCount)
            let ownerOfIndex = ordered.map { owners[$0]! }
            let count = ordered.count
            let exchange = context.allocateExchange()
            let routing = ExchangeRouting<Item>.byWorker { item, _ in
                ownerOfIndex[Self.checkedIndex(sink.partition(for: item, of: count), count: count)]
            }
            return { builder in
                var partitions: [(key: PartitionKey, partition: Sink.Partition)] = []
                var localPosition = [Int](repeating: -1, count: count)
                for (index, key) in ordered.enumerated() where ownerOfIndex[index] == builder.worker.rawValue {
                    do {
                        localPosition[index] = partitions.count
                        let resumeState = try context.resumeState(
                            Sink.Partition.ResumeState.self, step: stepID, key: key.rawValue, for: builder.worker)
                        partitions.append((key, try sink.buildPartition(key, resumeState: resumeState)))
                    } catch {
                        for (_, built) in partitions { try? built.close() }
                        throw DataflowError.sinkFailed(step: stepID, partition: key, underlying: error)
                    }
                }
                let positions = localPosition
                let node = OutputNode(
                    step: stepID, partitions: partitions,
                    localIndex: { item in positions[Self.checkedIndex(sink.partition(for: item, of: count), count: count)] },
                    snapshots: builder.snapshots, recordsPositions: true, startEpoch: builder.configuration.startEpoch,
                    worker: builder.worker)
                builder.addShutdownHook(node)
                let routed = try installExchange(
                    builder, exchange: exchange, step: stepID, routing: routing, from: up, of: Item.self)
                routed.subscribe(node)
            }
        })
    }

    private static func checkedIndex(_ index: Int, count: Int) -> Int {
        precondition(index >= 0 && index < count, "a sink's partition(for:of:) returned \(index), outside 0..<\(count)")
        return index
    }
}

/// A sink that cannot be used as configured.
public enum SinkConfigurationError: Error, CustomStringConvertible {
    /// `listPartitions()` returned no partition.
    case noPartitions
    /// The sink commits with snapshots (exactly-once) but the run has no recovery store.
    case needsRecoveryStore

    public var description: String {
        switch self {
        case .noPartitions: return "the sink lists no partitions"
        case .needsRecoveryStore:
            return "this sink commits its output with the snapshots (exactly-once): give the run a recovery directory (-r)"
        }
    }
}

/// Installs both halves of an exchange on one worker: a sender subscribed to
/// the upstream stream and a receiver fed by every worker's sender.
/// - Parameters:
///   - step: The step the exchange belongs to (named in errors).
///   - codec: How items cross to other processes; by default found at run
///     time when `Item` is `Codable` (or a keyed pair of a `Codable` value).
/// - Returns: The emitter of the exchanged stream on this worker.
/// - Throws: In a run of several processes, when items cannot be encoded.
package func installExchange<Item: Sendable>(
    _ builder: WorkerBuilder, exchange: Int, step: StepID, routing: ExchangeRouting<Item>, from up: StreamID,
    of type: Item.Type, codec: ItemCodec<Item>? = ItemCodec<Item>.detect()
) throws -> Emitter<Item> {
    if builder.network.transport != nil, builder.workerCount > 1, codec == nil {
        throw DataflowError.invalidDataflow(
            step: step, reason: ExchangeCodingError.notCodable(typeName: "\(Item.self)").description)
    }
    let routed = Emitter<Item>()
    let receiver = ExchangeReceiver(
        worker: builder.worker.rawValue, step: step, network: builder.network, codec: codec, output: routed)
    builder.addReceiver(receiver, exchange: exchange)
    let sender = ExchangeSender(
        exchange: exchange, step: step, worker: builder.worker.rawValue, routing: routing,
        network: builder.network, codec: codec, local: receiver)
    builder.emitter(up, of: Item.self).subscribe(sender)
    return routed
}
