extension DataStream {
    /// Emits each key's largest value per window when the window closes.
    ///
    /// ```swift
    /// let clock = EventClock<Int>(timestamp: { Date(timeIntervalSince1970: Double($0)) }, waitForSystemDuration: .zero)
    /// let peaks = keyedSeconds.maxWindow("peak", clock: clock, windower: TumblingWindower(length: .seconds(60), alignTo: .init(timeIntervalSince1970: 0)))
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The largest value per closed window, the late items and the windows' metadata.
    @inlinable
    public func maxWindow<Value: Comparable & Codable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower, ordered: Bool = false
    ) -> WindowOutput<Value, Value> where Item == (key: String, value: Value) {
        reduceWindow(name, clock: clock, windower: windower, ordered: ordered) { $1 > $0 ? $1 : $0 }
    }

    /// Emits each key's value with the largest `by(value)` per window (the
    /// first one seen among equals) when the window closes.
    ///
    /// ```swift
    /// let hottest = readingsBySensor.maxWindow("hottest", clock: clock, windower: windower) { $0.celsius }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - by: The measure compared.
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The chosen value per closed window, the late items and the windows' metadata.
    @inlinable
    public func maxWindow<Value: Codable, Measure: Comparable & SendableMetatype>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower,
        ordered: Bool = false, by: @escaping @Sendable (Value) -> Measure
    ) -> WindowOutput<Value, Value> where Item == (key: String, value: Value) {
        reduceWindow(name, clock: clock, windower: windower, ordered: ordered) { by($1) > by($0) ? $1 : $0 }
    }

    /// Emits each key's smallest value per window when the window closes.
    ///
    /// ```swift
    /// let lows = keyedSeconds.minWindow("low", clock: clock, windower: TumblingWindower(length: .seconds(60), alignTo: .init(timeIntervalSince1970: 0)))
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The smallest value per closed window, the late items and the windows' metadata.
    @inlinable
    public func minWindow<Value: Comparable & Codable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower, ordered: Bool = false
    ) -> WindowOutput<Value, Value> where Item == (key: String, value: Value) {
        reduceWindow(name, clock: clock, windower: windower, ordered: ordered) { $1 < $0 ? $1 : $0 }
    }

    /// Emits each key's value with the smallest `by(value)` per window (the
    /// first one seen among equals) when the window closes.
    ///
    /// ```swift
    /// let coldest = readingsBySensor.minWindow("coldest", clock: clock, windower: windower) { $0.celsius }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - by: The measure compared.
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The chosen value per closed window, the late items and the windows' metadata.
    @inlinable
    public func minWindow<Value: Codable, Measure: Comparable & SendableMetatype>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower,
        ordered: Bool = false, by: @escaping @Sendable (Value) -> Measure
    ) -> WindowOutput<Value, Value> where Item == (key: String, value: Value) {
        reduceWindow(name, clock: clock, windower: windower, ordered: ordered) { by($1) < by($0) ? $1 : $0 }
    }
}
