extension DataStream {
    /// Combines each key's values per window with `reducer` (the first value
    /// starts the result) and emits the result when the window closes.
    ///
    /// ```swift
    /// let clock = EventClock<Int>(timestamp: { Date(timeIntervalSince1970: Double($0)) }, waitForSystemDuration: .zero)
    /// let sums = keyedSeconds.reduceWindow("sum", clock: clock, windower: SessionWindower(gap: .seconds(5))) { $0 + $1 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - reducer: Combines the result so far with the next value (and two
    ///     sessions' results when they merge, earlier first).
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The results per closed window, the late items and the windows' metadata.
    @inlinable
    public func reduceWindow<Value: Codable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower,
        ordered: Bool = false, _ reducer: @escaping @Sendable (Value, Value) throws -> Value
    ) -> WindowOutput<Value, Value> where Item == (key: String, value: Value) {
        let combine: @Sendable (inout Value?, Value?) throws -> Void = { result, next in
            guard let next else { return }
            result = try result.map { try reducer($0, next) } ?? next
        }
        let folding = WindowFolding<Value, Value?, Value>(
            initial: { nil }, fold: { result, value in try combine(&result, value) }, merge: combine,
            finish: { $0 })
        return windowStep(name, clock: clock, windower: windower, folding: folding, ordered: ordered)
    }
}
