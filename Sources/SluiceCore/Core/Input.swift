import Foundation
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
    ///   - watermarks: How to track event time per partition, for windows
    ///     with a `StreamClock`; nil (the default) tracks none.
    /// - Returns: The stream of the source's items.
    @discardableResult
    public func input<Source: PartitionedSource>(
        _ name: String, _ source: Source, watermarks: Watermarks<Source.Item>? = nil
    ) -> DataStream<Source.Item> {
        let stepID = reserve(name, in: rootScope)
        declare(watermarks, for: stepID)
        let down = StreamID(step: stepID, port: "down")
        add(StepDefinition(id: stepID, core: .input, inputs: [], outputs: [down]) { context in
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
            context.configuration.status?.setPartitions(step: stepID, owners: owners)
            return { builder in
                let output = builder.makeEmitter(down, of: Source.Item.self)
                let mine = owners.filter { $0.value == builder.worker.rawValue }.keys.sorted()
                var partitions: [(PartitionKey, Source.Partition)] = []
                var eventTimes: [Date?] = []
                do {
                    for key in mine {
                        eventTimes.append(
                            watermarks == nil
                                ? nil
                                : try context.resumeState(
                                    Date.self, step: stepID, key: PartitionWatermarks.snapshotKey(key),
                                    for: builder.worker))
                        let resumeState = try context.resumeState(
                            Source.Partition.ResumeState.self, step: stepID, key: key.rawValue, for: builder.worker)
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
                        startEpoch: builder.configuration.startEpoch, snapshots: builder.snapshots,
                        policy: watermarks?.policy, restoredEventTimes: eventTimes, worker: builder.worker,
                        progress: builder.configuration.progress))
            }
        })
        return DataStream(flow: self, id: down, scope: rootScope)
    }

    /// Records an input's watermark policy, or why it is unusable.
    private func declare<Item>(_ watermarks: Watermarks<Item>?, for step: StepID) {
        guard let watermarks else { return }
        if let problem = watermarks.problem { reject(step, reason: problem) }
        watermarkedInputs.insert(step)
    }

    /// Adds an input step reading a source that every worker builds for itself.
    ///
    /// ```swift
    /// let ticks = flow.input("ticks", MyPerWorkerGenerator())
    /// ```
    /// - Parameters:
    ///   - name: The step id (unique in the flow).
    ///   - source: The per-worker source.
    ///   - watermarks: How to track event time, for windows with a
    ///     `StreamClock`; nil (the default) tracks none. A per-worker source
    ///     has no resume state, so its watermark starts afresh on a resume.
    /// - Returns: The stream of the source's items.
    @discardableResult
    public func input<Source: PerWorkerSource>(
        _ name: String, _ source: Source, watermarks: Watermarks<Source.Item>? = nil
    ) -> DataStream<Source.Item> {
        let stepID = reserve(name, in: rootScope)
        declare(watermarks, for: stepID)
        let down = StreamID(step: stepID, port: "down")
        add(StepDefinition(id: stepID, core: .input, inputs: [], outputs: [down]) { _ in
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
                        startEpoch: builder.configuration.startEpoch, snapshots: builder.snapshots,
                        policy: watermarks?.policy, worker: builder.worker, progress: builder.configuration.progress))
            }
        })
        return DataStream(flow: self, id: down, scope: rootScope)
    }
}
