import SluiceEngine

extension DataStream {
    /// Merges this stream with others of the same type into one stream.
    ///
    /// ```swift
    /// let all = metricsA.merge("all_metrics", metricsB, metricsC)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - others: The streams to merge in (of the same dataflow).
    /// - Returns: One stream with every item of every input.
    public func merge(_ name: String, _ others: DataStream<Item>...) -> DataStream<Item> {
        merge(name, others)
    }

    /// Merges this stream with an array of others of the same type.
    /// - Parameters:
    ///   - name: The step id.
    ///   - others: The streams to merge in (of the same dataflow).
    /// - Returns: One stream with every item of every input.
    public func merge(_ name: String, _ others: [DataStream<Item>]) -> DataStream<Item> {
        let stepID = flow.reserve(name, in: scope)
        let ups = [id] + others.map(\.id)
        let down = StreamID(step: stepID, port: "down")
        flow.add(StepDefinition(id: stepID, core: .merge, inputs: ups, outputs: [down]) { _ in
            return { builder in
                let node = MergeNode<Item>(inputs: ups.count, output: builder.makeEmitter(down))
                for (channel, up) in ups.enumerated() {
                    builder.emitter(up, of: Item.self).subscribe(node.input(channel))
                }
            }
        })
        return DataStream(flow: flow, id: down, scope: scope)
    }
}
