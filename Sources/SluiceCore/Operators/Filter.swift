import SluiceEngine

extension DataStream {
    /// Keeps only the items for which `predicate` is true.
    ///
    /// ```swift
    /// let evens = numbers.filter("evens") { $0 % 2 == 0 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - predicate: Called once per item.
    /// - Returns: The kept items, in order.
    @inlinable
    public func filter(_ name: String, _ predicate: @escaping @Sendable (Item) throws -> Bool) -> DataStream<Item> {
        flatMapBatchWithContext(name, kind: "filter") { batch, _ in
            var out: [Item] = []
            out.reserveCapacity(batch.count)
            for item in batch where try forItem(item, { try predicate(item) }) { out.append(item) }
            return out
        }
    }
}
