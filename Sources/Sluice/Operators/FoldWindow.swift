extension DataStream {
    /// Folds each key's values per window, starting from `initial()`, and
    /// emits the accumulator when the window closes.
    ///
    /// ```swift
    /// let clock = EventClock<Click>(timestamp: { $0.time }, waitForSystemDuration: .seconds(2))
    /// let pages = clicks.foldWindow(
    ///     "pages", clock: clock, windower: SessionWindower(gap: .seconds(30)),
    ///     initial: { [String]() }, { pages, click in pages + [click.page] }, merger: { $0 + $1 })
    /// pages.down.output("sessions", sink)   // (user, (window: id, value: pages))
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - initial: A new window's empty accumulator.
    ///   - folder: Adds a value to an accumulator.
    ///   - merger: Combines two sessions' accumulators (earlier first) when an
    ///     item bridges them; required with `SessionWindower`.
    /// - Returns: The accumulators per closed window, the late items and the windows' metadata.
    @inlinable
    public func foldWindow<Value, Accumulator: Codable & Sendable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower,
        initial: @escaping @Sendable () -> Accumulator,
        _ folder: @escaping @Sendable (Accumulator, Value) throws -> Accumulator,
        merger: (@Sendable (Accumulator, Accumulator) throws -> Accumulator)? = nil
    ) -> WindowOutput<Value, Accumulator> where Item == (key: String, value: Value) {
        windowStep(
            name, clock: clock, windower: windower,
            folding: WindowFolding(
                initial: initial, fold: { accumulator, value in accumulator = try folder(accumulator, value) },
                merge: merger.map { merger in { into, other in into = try merger(into, other) } },
                finish: { $0 }))
    }
}
