import SluiceEngine

extension DataStream {
    /// Transforms every item into any number of items.
    ///
    /// ```swift
    /// let words = lines.flatMap("split") { $0.split(separator: " ").map(String.init) }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Returns the items to emit for one input item.
    /// - Returns: The concatenated results, in order.
    @inlinable
    public func flatMap<Results: Sequence & SendableMetatype>(
        _ name: String, _ transform: @escaping @Sendable (Item) throws -> Results
    ) -> DataStream<Results.Element> where Results.Element: Sendable {
        flatMapBatchWithContext(name, kind: "flat_map") { batch, _ in
            var out: [Results.Element] = []
            out.reserveCapacity(batch.count)
            for item in batch { out.append(contentsOf: try forItem(item) { try transform(item) }) }
            return out
        }
    }
}
