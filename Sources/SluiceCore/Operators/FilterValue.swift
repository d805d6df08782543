import SluiceEngine

extension DataStream {
    /// Keeps the pairs of a keyed stream whose value passes `predicate`.
    ///
    /// ```swift
    /// let big = keyedAmounts.filterValue("big") { $0 > 100 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - predicate: Called once per value.
    /// - Returns: The kept pairs, in order.
    @inlinable
    public func filterValue<Value>(
        _ name: String, _ predicate: @escaping @Sendable (Value) throws -> Bool
    ) -> KeyedStream<Value> where Item == (key: String, value: Value) {
        flatMapBatchWithContext(name, kind: "filter_value") { batch, _ in
            var out: [(key: String, value: Value)] = []
            out.reserveCapacity(batch.count)
            for item in batch where try forItem(item, { try predicate(item.value) }) { out.append(item) }
            return out
        }
    }
}
