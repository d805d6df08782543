import SluiceEngine

extension DataStream {
    /// Joins this keyed stream with another on their keys, within each window
    /// (Bytewax's `join_window`). Each window of a key keeps the values of
    /// both sides as `insertMode` says; `emitMode` says when rows come out:
    ///
    /// - `.final` (the default): once, when the window closes, with what each
    ///   side has (nil for a side with no value in the window);
    /// - `.complete`: as soon as both sides have a value in the window; then
    ///   the window's values are cleared, so later values can make new rows;
    /// - `.running`: after every value, with what each side has so far.
    ///
    /// The clock reads both sides' values as `JoinSide`; late values come out
    /// on `late` in the same form. Merged sessions combine their values by
    /// `insertMode` (`.first` keeps the earlier session's, `.last` the later's).
    ///
    /// ```swift
    /// let clock = EventClock<JoinSide<Order, Payment>>(
    ///     timestamp: { $0.either(left: \.placedAt, right: \.paidAt) }, waitForSystemDuration: .seconds(5))
    /// let paid = orders.joinWindow("paid", payments, clock: clock,
    ///                              windower: TumblingWindower(length: .seconds(60), alignTo: start))
    /// paid.down.output("rows", sink)   // (key, WindowResult: window id, start, end, value (left: Order?, right: Payment?))
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - other: The right side.
    ///   - clock: Where event times and the watermark come from, for values of either side.
    ///   - windower: How values are grouped into windows.
    ///   - insertMode: Which values each side keeps per window. Default `.last`.
    ///   - emitMode: When rows are emitted. Default `.final` (at window close).
    ///   - ordered: Apply values in event-time order within the clock's
    ///     allowance (they wait until the watermark passes them). Default false.
    /// - Returns: The rows per window, the late values and the windows' metadata.
    @inlinable
    public func joinWindow<Left: Codable, Right: Codable>(
        _ name: String, _ other: KeyedStream<Right>, clock: some WindowClock<JoinSide<Left, Right>>,
        windower: some Windower, insertMode: JoinInsertMode = .last, emitMode: JoinEmitMode = .final,
        ordered: Bool = false
    ) -> WindowOutput<JoinSide<Left, Right>, (left: Left?, right: Right?)> where Item == (key: String, value: Left) {
        typealias Row = (left: Left?, right: Right?)
        let react: (@Sendable (inout JoinState<Left, Right>, (Row) -> Void) throws -> Void)?
        switch emitMode {
        case .final: react = nil
        case .running: react = { state, emit in state.forEachRow(emit) }
        case .complete:
            react = { state, emit in
                guard state.isComplete else { return }
                state.forEachRow(emit)
                state = JoinState()
            }
        }
        let folding = WindowFolding<JoinSide<Left, Right>, JoinState<Left, Right>, Row>(
            initial: { JoinState() },
            fold: { state, value in state.insert(value, mode: insertMode) },
            merge: { state, later in state.absorb(later, mode: insertMode) },
            finishing: { state, emit in if emitMode == .final { state.forEachRow(emit) } },
            react: react)
        let sides = joinSides(name, other)
        let out = sides.windowStep("window", clock: clock, windower: windower, folding: folding, ordered: ordered)
        return WindowOutput(down: adopt(out.down), late: adopt(out.late), meta: adopt(out.meta))
    }

    /// Reserves `joinWindow`'s step and merges both sides, tagged, into one
    /// keyed stream named inside it.
    @usableFromInline
    package func joinSides<Left: Sendable, Right: Sendable>(
        _ name: String, _ other: KeyedStream<Right>
    ) -> KeyedStream<JoinSide<Left, Right>> where Item == (key: String, value: Left) {
        let inner = flow.reserve(name, in: scope)
        let lefts = scoped(inner).mapValue("left") { JoinSide<Left, Right>.left($0) }
        let rights = other.scoped(inner).mapValue("right") { JoinSide<Left, Right>.right($0) }
        return lefts.merge("merge", rights)
    }
}
