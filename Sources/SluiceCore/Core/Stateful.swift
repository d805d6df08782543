import Foundation
import SluiceEngine

extension DataStream {
    /// The general keyed stateful step: routes each key to one worker and runs
    /// one `StatefulLogic` per key there, with timers, an end-of-input flush
    /// and snapshots. Every other stateful operator is built on it.
    ///
    /// ```swift
    /// let sums = keyed.stateful("sum") { (resume: Int?) in RunningSum(resume: resume) }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - build: Makes a key's logic from its resume state (nil for a new key).
    /// - Returns: The keyed values the logic emits.
    @inlinable
    public func stateful<Value, Logic: StatefulLogic>(
        _ name: String, _ build: @escaping @Sendable (Logic.State?) throws -> Logic
    ) -> KeyedStream<Logic.Output> where Item == (key: String, value: Value), Logic.Value == Value {
        // This closure is specialized in the caller's module, so the node's
        // per-item loop runs on concrete types (see `StatefulNode`).
        statefulStep(
            name, build: build,
            partition: { batch, workerCount in partitionByKey(batch, workerCount: workerCount) },
            kernel: { node, batch, emitter in try node.processItems(batch, &emitter) },
            watermarkKernel: { node, watermark, emitter in try node.fireWatermarkDue(watermark, &emitter) })
    }

    /// The stateful core step, given the specialized per-batch kernel.
    @usableFromInline
    package func statefulStep<Value, Logic: StatefulLogic>(
        _ name: String, build: @escaping @Sendable (Logic.State?) throws -> Logic,
        partition: @escaping @Sendable ([Item], Int) -> [[Item]],
        kernel: @escaping (
            StatefulNode<Logic>, [(key: String, value: Value)], inout KeyedEmitter<Logic.Output>
        ) throws -> Void,
        watermarkKernel: (
            (StatefulNode<Logic>, Date, inout KeyedEmitter<Logic.Output>) throws -> Void
        )? = nil
    ) -> KeyedStream<Logic.Output> where Item == (key: String, value: Value), Logic.Value == Value {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        let down = StreamID(step: stepID, port: "down")
        flow.add(StepDefinition(id: stepID, core: .stateful, inputs: [up], outputs: [down]) { context in
            let exchange = context.allocateExchange()
            let routing = ExchangeRouting<Item>.partitioned(partition)
            // Keys stored by a previous run, for the worker that owns each now
            // (the worker count may differ: rescaling).
            let restored = { (worker: WorkerIndex, workerCount: Int) throws -> [String: Logic.State] in
                try context.resumeStates(Logic.State.self, step: stepID, for: worker, workerCount: workerCount)
            }
            return { builder in
                let routed = try installExchange(
                    builder, exchange: exchange, step: stepID, routing: routing, from: up, of: Item.self,
                    codec: ItemCodec<Item>.keyed(Value.self))
                let node = StatefulNode<Logic>(
                    step: stepID, worker: builder.worker,
                    output: builder.makeEmitter(down, of: (key: String, value: Logic.Output).self),
                    snapshots: builder.snapshots, startEpoch: builder.configuration.startEpoch,
                    kernel: kernel, watermarkKernel: watermarkKernel, build: build)
                try node.restore(restored(builder.worker, builder.workerCount))
                routed.subscribe(node)
                builder.addTimers(node)
            }
        })
        return DataStream<(key: String, value: Logic.Output)>(flow: flow, id: down, scope: scope)
    }
}
