import SluiceEngine

/// The two streams `branch` splits into.
///
/// ```swift
/// let parts = numbers.branch("even_odd") { $0 % 2 == 0 }
/// parts.trues.output("evens", StdOutSink())
/// parts.falses.output("odds", StdOutSink())
/// ```
public struct BranchOutput<Item: Sendable> {
    /// Items for which the predicate returned true.
    public let trues: DataStream<Item>
    /// Items for which the predicate returned false.
    public let falses: DataStream<Item>
}

extension DataStream {
    /// Splits the stream in two by a predicate; order is kept within each side.
    ///
    /// ```swift
    /// let parts = numbers.branch("even_odd") { $0 % 2 == 0 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - predicate: True sends the item to `trues`, false to `falses`.
    /// - Returns: Both streams.
    public func branch(_ name: String, _ predicate: @escaping @Sendable (Item) throws -> Bool) -> BranchOutput<Item> {
        let stepID = flow.reserve(name, in: scope)
        let up = id
        let trues = StreamID(step: stepID, port: "trues")
        let falses = StreamID(step: stepID, port: "falses")
        flow.add(StepDefinition(id: stepID, core: .branch, inputs: [up], outputs: [trues, falses]) { _ in
            return { builder in
                let node = BranchNode<Item>(
                    step: stepID, worker: builder.worker,
                    trues: builder.makeEmitter(trues), falses: builder.makeEmitter(falses), predicate: predicate)
                builder.emitter(up, of: Item.self).subscribe(node)
            }
        })
        return BranchOutput(
            trues: DataStream(flow: flow, id: trues, scope: scope),
            falses: DataStream(flow: flow, id: falses, scope: scope))
    }
}
