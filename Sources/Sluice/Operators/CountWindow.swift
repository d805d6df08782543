extension DataStream {
    /// Counts each key's values per window and emits the count when the
    /// window closes.
    ///
    /// ```swift
    /// let start = Date(timeIntervalSince1970: 0)
    /// let clock = EventClock<Reading>(timestamp: { $0.time }, waitForSystemDuration: .seconds(1))
    /// let counts = readingsBySensor.countWindow("per_10s", clock: clock, windower: TumblingWindower(length: .seconds(10), alignTo: start))
    /// counts.down.output("counts", sink)   // (sensor, (window: id, value: count))
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
}
