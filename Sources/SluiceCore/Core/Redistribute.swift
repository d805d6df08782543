import SluiceEngine

extension DataStream {
    /// Spreads items evenly over all workers (round robin by batch slices), so
    /// a source with few partitions can keep every worker busy downstream.
    ///
    /// ```swift
    /// let spread = flow.input("one_partition", source).redistribute("spread")
    /// ```
    /// - Parameter name: The step id.
    /// - Returns: The same items, now spread over the workers.
    public func redistribute(_ name: String) -> DataStream<Item> {
        exchange(name, kind: "redistribute", routing: .roundRobin)
    }

    /// The exchange core step: moves each item to the worker `routing` picks.
    package func exchange(_ name: String, kind: String, routing: ExchangeRouting<Item>) -> DataStream<Item> {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        let down = StreamID(step: stepID, port: "down")
        flow.add(StepDefinition(id: stepID, core: .exchange, kind: kind, inputs: [up], outputs: [down]) { context in
            let exchange = context.allocateExchange()
            return { builder in
                let routed = try installExchange(
                    builder, exchange: exchange, step: stepID, routing: routing, from: up, of: Item.self)
                let output = builder.makeEmitter(down, of: Item.self)
                routed.subscribe(ClosureConsumer(onBatch: { try output.emit($0) }, onProgress: { try output.signal($0) }))
            }
        })
        return DataStream(flow: flow, id: down, scope: scope)
    }
}
