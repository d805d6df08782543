import SluiceEngine

extension DataStream {
    /// Transforms each engine batch of items into any number of outputs, with
    /// one call per batch: the place for work with a per-call overhead (a
    /// batched network request, a vectorized model).
    ///
    /// ```swift
    /// let lengths = words.flatMapBatch("lengths") { batch in batch.map(\.count) }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Called with each non-empty batch, on the worker holding it.
    /// - Returns: The concatenated outputs, in order.
    public func flatMapBatch<Out: Sendable>(
        _ name: String, _ transform: @escaping @Sendable ([Item]) throws -> [Out]
    ) -> DataStream<Out> {
        flatMapBatchWithContext(name) { batch, _ in try transform(batch) }
    }

    /// `flatMapBatch` with the worker and epoch known. Operators call it from
    /// `@inlinable` code so that `transform` is specialized for their types.
    @usableFromInline
    package func flatMapBatchWithContext<Out: Sendable>(
        _ name: String, kind: String = "flat_map_batch",
        _ transform: @escaping @Sendable ([Item], BatchContext) throws -> [Out]
    ) -> DataStream<Out> {
        flatMapBatchPerWorker(name, kind: kind) { _ in transform }
    }

    /// The stateless core step: each worker gets its own transform from
    /// `makeTransform` (so it may hold per-worker state, like a cache).
    @usableFromInline
    package func flatMapBatchPerWorker<Out: Sendable>(
        _ name: String, kind: String = "flat_map_batch",
        _ makeTransform: @escaping @Sendable (WorkerIndex) -> ([Item], BatchContext) throws -> [Out]
    ) -> DataStream<Out> {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        let down = StreamID(step: stepID, port: "down")
        flow.add(StepDefinition(id: stepID, core: .flatMapBatch, kind: kind, inputs: [up], outputs: [down]) { _ in
            return { builder in
                let output = builder.makeEmitter(down, of: Out.self)
                let node = FlatMapBatchNode<Item, Out>(
                    step: stepID, worker: builder.worker, startEpoch: builder.configuration.startEpoch,
                    output: output, transform: makeTransform(builder.worker))
                builder.emitter(up, of: Item.self).subscribe(node)
            }
        })
        return DataStream<Out>(flow: flow, id: down, scope: scope)
    }

    /// A per-item transform as a batch step; errors name the failing item.
    package func perItem<Out: Sendable>(
        _ name: String, kind: String, reserve capacity: @escaping @Sendable (Int) -> Int = { $0 },
        _ body: @escaping @Sendable (Item, inout [Out]) throws -> Void
    ) -> DataStream<Out> {
        flatMapBatchWithContext(name, kind: kind) { batch, _ in
            var out: [Out] = []
            out.reserveCapacity(capacity(batch.count))
            for item in batch {
                try forItem(item) { try body(item, &out) }
            }
            return out
        }
    }
}
