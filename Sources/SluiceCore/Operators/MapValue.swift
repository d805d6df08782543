import SluiceEngine

extension DataStream {
    /// Transforms the value of every pair of a keyed stream, keeping its key.
    ///
    /// ```swift
    /// let lengths = keyedWords.mapValue("length") { $0.count }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - transform: Called once per value.
    /// - Returns: The keyed stream of new values.
    @inlinable
    public func mapValue<Value, Out: Sendable>(
        _ name: String, _ transform: @escaping @Sendable (Value) throws -> Out
    ) -> KeyedStream<Out> where Item == (key: String, value: Value) {
        flatMapBatchWithContext(name, kind: "map_value") { batch, _ in
            var out: [(key: String, value: Out)] = []
            out.reserveCapacity(batch.count)
            for item in batch { out.append((item.key, try forItem(item) { try transform(item.value) })) }
            return out
        }
    }
}
