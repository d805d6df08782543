import SluiceEngine

extension DataStream {
    /// Counts the items of each key and emits the counts at the end of input.
    ///
    /// ```swift
    /// let wordCounts = words.countFinal("count") { $0 }     // ("apple", 3), …
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - key: Returns the key an item is counted under.
    /// - Returns: One `(key, count)` per key, at the end of input.
    public func countFinal(_ name: String, key: @escaping @Sendable (Item) throws -> String) -> KeyedStream<Int> {
        composite(name) { stream, _ in
            stream.map("key") { (key: try key($0), value: 1) }
                .foldFinal("sum", initial: { 0 }) { $0 + $1 }
        }
    }
}
