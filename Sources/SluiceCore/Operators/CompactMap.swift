import SluiceEngine

extension DataStream {
    /// Transforms every item and drops the nil results (Bytewax's `filter_map`).
    ///
    /// ```swift
    /// let numbers = lines.compactMap("parse") { Int($0) }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Returns the new item, or nil to drop it.
    /// - Returns: The non-nil results, in order.
    @inlinable
    public func compactMap<Out: Sendable>(
        _ name: String, _ transform: @escaping @Sendable (Item) throws -> Out?
    ) -> DataStream<Out> {
        flatMapBatchWithContext(name, kind: "compact_map") { batch, _ in
            var out: [Out] = []
            out.reserveCapacity(batch.count)
            for item in batch {
                if let result = try forItem(item, { try transform(item) }) { out.append(result) }
            }
            return out
        }
    }
}
