extension DataStream {
    /// Counts each key's values per window and emits the count when the
    /// window closes.
    ///
    /// ```swift
    /// let start = Date(timeIntervalSince1970: 0)
    /// let clock = EventClock<Reading>(timestamp: { $0.time }, waitForSystemDuration: .seconds(1))
    /// let counts = readingsBySensor.countWindow("per_10s", clock: clock, windower: TumblingWindower(length: .seconds(10), alignTo: start))
    /// counts.down.output("counts", sink)   // (sensor, WindowResult: window id, start, end, value count)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    /// - Returns: The counts per closed window, the late items and the windows' metadata.
    @inlinable
    public func countWindow<Value>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower
    ) -> WindowOutput<Value, Int> where Item == (key: String, value: Value) {
        windowStep(
            name, clock: clock, windower: windower,
            folding: WindowFolding(
                initial: { 0 }, fold: { count, _ in count += 1 }, merge: { $0 += $1 }, finish: { $0 }))
    }

    /// `countWindow` with the `ordered` choice: true applies values in
    /// event-time order within the clock's allowance (it matters for session
    /// ids and for which values are late; they wait in the key's state, so
    /// they must be `Codable`).
    ///
    /// ```swift
    /// let counts = readingsBySensor.countWindow("per_session", clock: clock, windower: SessionWindower(gap: .seconds(5)), ordered: true)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - ordered: Apply values in event-time order within the clock's allowance.
    /// - Returns: The counts per closed window, the late items and the windows' metadata.
    @inlinable
    public func countWindow<Value: Codable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower, ordered: Bool
    ) -> WindowOutput<Value, Int> where Item == (key: String, value: Value) {
        let folding = WindowFolding<Value, Int, Int>(
            initial: { 0 }, fold: { count, _ in count += 1 }, merge: { $0 += $1 }, finish: { $0 })
        return windowStep(name, clock: clock, windower: windower, folding: folding, ordered: ordered)
    }
}
