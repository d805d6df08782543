import SluiceEngine

extension DataStream {
    /// Transforms every item into exactly one new item.
    ///
    /// ```swift
    /// let doubled = numbers.map("double") { $0 * 2 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Called once per item; a thrown error stops the run naming this step and the item.
    /// - Returns: The transformed stream, in the same order.
    @inlinable
    public func map<Out: Sendable>(_ name: String, _ transform: @escaping @Sendable (Item) throws -> Out) -> DataStream<Out> {
        flatMapBatchWithContext(name, kind: "map") { batch, _ in
            var out: [Out] = []
            out.reserveCapacity(batch.count)
            for item in batch { out.append(try forItem(item) { try transform(item) }) }
            return out
        }
    }
}
