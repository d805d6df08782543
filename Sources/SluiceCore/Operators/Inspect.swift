import SluiceEngine

extension DataStream {
    /// Calls `inspector` with every item and passes the items on unchanged
    /// (for logging and debugging).
    ///
    /// ```swift
    /// let checked = numbers.inspect("log") { print("saw", $0) }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - inspector: Called once per item.
    /// - Returns: The same stream.
    @inlinable
    public func inspect(_ name: String, _ inspector: @escaping @Sendable (Item) throws -> Void) -> DataStream<Item> {
        flatMapBatchWithContext(name, kind: "inspect") { batch, _ in
            for item in batch { try forItem(item) { try inspector(item) } }
            return batch
        }
    }
}
