extension DataStream {
    /// Collects each key's values per window into an array (in arrival order,
    /// or event-time order with `ordered`; merged sessions are concatenated,
    /// earlier session first), emitted when the window closes.
    ///
    /// ```swift
    /// let start = Date(timeIntervalSince1970: 0)
    /// let clock = EventClock<Event>(timestamp: { $0.time }, waitForSystemDuration: .zero)
    /// let out = events.collectWindow("per_10s", clock: clock, windower: TumblingWindower(length: .seconds(10), alignTo: start))
    /// out.down.output("windows", sink)   // (key, WindowResult: window id, start, end, value [Event])
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The arrays per closed window, the late items and the windows' metadata.
    @inlinable
    public func collectWindow<Value: Codable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower, ordered: Bool = false
    ) -> WindowOutput<Value, [Value]> where Item == (key: String, value: Value) {
        let folding = WindowFolding<Value, [Value], [Value]>(
            initial: { [] }, fold: { values, value in values.append(value) },
            merge: { values, other in values.append(contentsOf: other) }, finish: { $0 })
        return windowStep(name, clock: clock, windower: windower, folding: folding, ordered: ordered)
    }
}
