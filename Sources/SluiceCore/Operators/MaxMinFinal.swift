import SluiceEngine

extension DataStream {
    /// Emits the largest value of each key at the end of input.
    ///
    /// ```swift
    /// let peaks = keyedReadings.maxFinal("peak")
    /// ```
    /// - Parameter name: The step id.
    /// - Returns: One `(key, maximum)` per key.
    public func maxFinal<Value: Comparable & Codable>(_ name: String) -> KeyedStream<Value>
    where Item == (key: String, value: Value) {
        reduceFinal(name) { $1 > $0 ? $1 : $0 }
    }

    /// Emits the value of each key with the largest `by(value)` at the end of input
    /// (the first one seen among equals).
    ///
    /// ```swift
    /// let hottest = keyedReadings.maxFinal("hottest") { $0.celsius }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - by: Extracts what is compared.
    /// - Returns: One `(key, value)` per key.
    public func maxFinal<Value: Codable, Measure: Comparable & SendableMetatype>(
        _ name: String, by: @escaping @Sendable (Value) -> Measure
    ) -> KeyedStream<Value> where Item == (key: String, value: Value) {
        reduceFinal(name) { by($1) > by($0) ? $1 : $0 }
    }

    /// Emits the smallest value of each key at the end of input.
    ///
    /// ```swift
    /// let lows = keyedReadings.minFinal("low")
    /// ```
    /// - Parameter name: The step id.
    /// - Returns: One `(key, minimum)` per key.
    public func minFinal<Value: Comparable & Codable>(_ name: String) -> KeyedStream<Value>
    where Item == (key: String, value: Value) {
        reduceFinal(name) { $1 < $0 ? $1 : $0 }
    }

    /// Emits the value of each key with the smallest `by(value)` at the end of input
    /// (the first one seen among equals).
    ///
    /// ```swift
    /// let coldest = keyedReadings.minFinal("coldest") { $0.celsius }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - by: Extracts what is compared.
    /// - Returns: One `(key, value)` per key.
    public func minFinal<Value: Codable, Measure: Comparable & SendableMetatype>(
        _ name: String, by: @escaping @Sendable (Value) -> Measure
    ) -> KeyedStream<Value> where Item == (key: String, value: Value) {
        reduceFinal(name) { by($1) < by($0) ? $1 : $0 }
    }
}
