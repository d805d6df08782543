import SluiceEngine

extension Dataflow {
    /// Adds an input step reading a partitioned source. Each partition is read
    /// by exactly one worker of the run; the engine assigns them evenly.
    ///
    /// ```swift
    /// let lines = flow.input("lines", FileSource(paths: ["a.txt", "b.txt"]))
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - source: The source.
    /// - Returns: The stream of the source's items.
    @discardableResult
    public func input<Source: PartitionedSource>(_ name: String, _ source: Source) -> DataStream<Source.Item> {
        let stepID = reserve(name, in: rootScope)
        let down = StreamID(step: stepID, port: "down")
        add(StepDefinition(id: stepID, kind: "input", inputs: [], outputs: [down]) { context in
            let keys: [PartitionKey]
            do { keys = try source.listPartitions() } catch {
                throw DataflowError.sourceFailed(step: stepID, partition: nil, underlying: error)
            }
            let repeated = PartitionAssignment.duplicates(in: keys)
            guard repeated.isEmpty else {
                throw DataflowError.sourceFailed(
                    step: stepID, partition: nil, underlying: DuplicatePartitionsError(keys: repeated))
            }
            let owners = PartitionAssignment.assign(keys, step: stepID, workerCount: context.workerCount)
            return { builder in
                let output = builder.makeEmitter(down, of: Source.Item.self)
                let mine = owners.filter { $0.value == builder.worker.rawValue }.keys.sorted()
                var partitions: [(PartitionKey, Source.Partition)] = []
                do {
                    for key in mine {
                        let resumeState = try context.resumeState(
                            Source.Partition.ResumeState.self, step: stepID, key: key.rawValue)
                        do {
                            partitions.append((key, try source.buildPartition(key, resumeState: resumeState)))
                        } catch {
                            throw DataflowError.sourceFailed(step: stepID, partition: key, underlying: error)
                        }
                    }
                } catch {
                    for (_, built) in partitions { try? built.close() }
                    throw error
                }
                builder.addInput(
                    InputNode(
                        step: stepID, partitions: partitions, output: output,
                        startEpoch: builder.configuration.startEpoch, snapshots: builder.snapshots))
            }
        })
        return DataStream(flow: self, id: down, scope: rootScope)
    }

    /// Adds an input step reading a source that every worker builds for itself.
    ///
    /// ```swift
    /// let ticks = flow.input("ticks", MyPerWorkerGenerator())
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - source: The per-worker source.
    /// - Returns: The stream of the source's items.
    @discardableResult
    public func input<Source: PerWorkerSource>(_ name: String, _ source: Source) -> DataStream<Source.Item> {
        let stepID = reserve(name, in: rootScope)
        let down = StreamID(step: stepID, port: "down")
        add(StepDefinition(id: stepID, kind: "input", inputs: [], outputs: [down]) { _ in
            return { builder in
                let output = builder.makeEmitter(down, of: Source.Item.self)
                let key = PartitionKey("worker-\(builder.worker.rawValue)")
                let partition: Source.Partition
                do {
                    partition = try source.buildPartition(worker: builder.worker, workerCount: builder.workerCount)
                } catch {
                    throw DataflowError.sourceFailed(step: stepID, partition: key, underlying: error)
                }
                builder.addInput(
                    InputNode(
                        step: stepID, partitions: [(key, partition)], output: output,
                        startEpoch: builder.configuration.startEpoch, snapshots: builder.snapshots))
            }
        })
        return DataStream(flow: self, id: down, scope: rootScope)
    }
}
