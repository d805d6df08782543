import SluiceEngine

extension DataStream {
    /// Transforms each value of a keyed stream into any number of values, each
    /// keyed by the original key.
    ///
    /// ```swift
    /// let tags = keyedPosts.flatMapValue("tags") { $0.tags }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Returns the values to emit for one value.
    /// - Returns: The keyed results, in order.
    @inlinable
    public func flatMapValue<Value, Results: Sequence & SendableMetatype>(
        _ name: String, _ transform: @escaping @Sendable (Value) throws -> Results
    ) -> KeyedStream<Results.Element> where Item == (key: String, value: Value), Results.Element: Sendable, Results.Iterator: SendableMetatype {
        flatMapBatchWithContext(name, kind: "flat_map_value") { batch, _ in
            var out: [(key: String, value: Results.Element)] = []
            out.reserveCapacity(batch.count)
            for item in batch {
                for result in try forItem(item, { try transform(item.value) }) { out.append((item.key, result)) }
            }
            return out
        }
    }
}
