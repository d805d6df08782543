extension DataStream {
    /// Folds each key's values per window, starting from `initial()`, and
    /// emits the accumulator when the window closes.
    ///
    /// ```swift
    /// let clock = EventClock<Click>(timestamp: { $0.time }, waitForSystemDuration: .seconds(2))
    /// let pages = clicks.foldWindow(
    ///     "pages", clock: clock, windower: SessionWindower(gap: .seconds(30)),
    ///     initial: { [String]() }, { pages, click in pages + [click.page] }, merger: { $0 + $1 })
    /// pages.down.output("sessions", sink)   // (user, WindowResult: window id, start, end, value pages)
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
        windowStep(name, clock: clock, windower: windower, folding: foldFolding(initial, folder, merger))
    }

    /// `foldWindow` with the `ordered` choice: true applies values in
    /// event-time order within the clock's allowance (they wait in the key's
    /// state until the watermark passes them, so they must be `Codable`).
    ///
    /// ```swift
    /// let pages = clicks.foldWindow(
    ///     "pages", clock: clock, windower: SessionWindower(gap: .seconds(30)),
    ///     initial: { [String]() }, { pages, click in pages + [click.page] }, merger: { $0 + $1 }, ordered: true)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - clock: Where event times and the watermark come from.
    ///   - windower: How values are grouped into windows.
    ///   - initial: A new window's empty accumulator.
    ///   - folder: Adds a value to an accumulator.
    ///   - merger: Combines two sessions' accumulators (earlier first).
    ///   - ordered: Apply values in event-time order within the clock's allowance.
    /// - Returns: The accumulators per closed window, the late items and the windows' metadata.
    @inlinable
    public func foldWindow<Value: Codable, Accumulator: Codable & Sendable>(
        _ name: String, clock: some WindowClock<Value>, windower: some Windower,
        initial: @escaping @Sendable () -> Accumulator,
        _ folder: @escaping @Sendable (Accumulator, Value) throws -> Accumulator,
        merger: (@Sendable (Accumulator, Accumulator) throws -> Accumulator)? = nil, ordered: Bool
    ) -> WindowOutput<Value, Accumulator> where Item == (key: String, value: Value) {
        let folding = foldFolding(initial, folder, merger)
        return windowStep(name, clock: clock, windower: windower, folding: folding, ordered: ordered)
    }
}

/// The folding of `foldWindow`.
@inlinable
func foldFolding<Value, Accumulator: Codable & Sendable>(
    _ initial: @escaping @Sendable () -> Accumulator,
    _ folder: @escaping @Sendable (Accumulator, Value) throws -> Accumulator,
    _ merger: (@Sendable (Accumulator, Accumulator) throws -> Accumulator)?
) -> WindowFolding<Value, Accumulator, Accumulator> {
    var merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?
    if let merger { merge = { into, other in into = try merger(into, other) } }
    return WindowFolding(
        initial: initial, fold: { accumulator, value in accumulator = try folder(accumulator, value) },
        merge: merge, finish: { $0 })
}
