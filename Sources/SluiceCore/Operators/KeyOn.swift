import SluiceEngine

extension DataStream {
    /// Pairs every item with a string key, making a keyed stream for the
    /// stateful operators (which route each key to one worker).
    ///
    /// ```swift
    /// let byUser = events.keyOn("by_user") { $0.userID }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - key: Returns the item's key.
    /// - Returns: `(key, item)` pairs.
    @inlinable
    public func keyOn(_ name: String, _ key: @escaping @Sendable (Item) throws -> String) -> KeyedStream<Item> {
        flatMapBatchWithContext(name, kind: "key_on") { batch, _ in
            var out: [(key: String, value: Item)] = []
            out.reserveCapacity(batch.count)
            for item in batch { out.append((try forItem(item) { try key(item) }, item)) }
            return out
        }
    }
}
