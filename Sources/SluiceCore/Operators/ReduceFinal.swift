import SluiceEngine

extension DataStream {
    /// Combines all values of each key pairwise and emits the result once, at
    /// the end of input.
    ///
    /// ```swift
    /// let longest = keyedWords.reduceFinal("longest") { $0.count >= $1.count ? $0 : $1 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - reducer: Combines the result so far with the next value.
    /// - Returns: One `(key, result)` per key, at the end of input.
    public func reduceFinal<Value: Codable>(
        _ name: String, _ reducer: @escaping @Sendable (Value, Value) throws -> Value
    ) -> KeyedStream<Value> where Item == (key: String, value: Value) {
        composite(name) { stream, _ in
            stream.foldFinal("fold", initial: { Value?.none }) { accumulator, value in
                guard let accumulator else { return value }
                return try reducer(accumulator, value)
            }
            .compactMap("present") { pair in pair.value.map { (key: pair.key, value: $0) } }
        }
    }
}
