import SluiceEngine

extension DataStream {
    /// Drops the keys of a keyed stream, keeping the values.
    ///
    /// ```swift
    /// let counts: DataStream<Int> = keyedCounts.keyRemove("values")
    /// ```
    /// - Parameter name: The step id.
    /// - Returns: The values, in order.
    @inlinable
    public func keyRemove<Value>(_ name: String) -> DataStream<Value> where Item == (key: String, value: Value) {
        flatMapBatchWithContext(name, kind: "key_remove") { batch, _ in batch.map(\.value) }
    }
}
