/// How a windowing operator accumulates a window's values and what it emits
/// when the window closes; each `…Window` operator supplies one.
@usableFromInline
package struct WindowFolding<Value, Accumulator: Codable & Sendable, Down: Sendable>: Sendable {
    /// A new window's empty accumulator.
    @usableFromInline let initial: @Sendable () -> Accumulator
    /// Adds a value to a window's accumulator.
    @usableFromInline let fold: @Sendable (inout Accumulator, Value) throws -> Void
    /// Adds a merged session's accumulator to the surviving one's; nil when
    /// the operator cannot merge (a session windower then fails at build).
    @usableFromInline let merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?
    /// The results of a closing window, in order (none, one or several).
    @usableFromInline let finish: @Sendable (Accumulator, (Down) -> Void) throws -> Void
    /// Results emitted while the window is open, after each value is folded
    /// in (`joinWindow`'s complete and running modes); nil for none.
    @usableFromInline let react: (@Sendable (inout Accumulator, (Down) -> Void) throws -> Void)?

    /// A folding that emits at most one result per window (nil: none).
    @inlinable
    package init(
        initial: @escaping @Sendable () -> Accumulator,
        fold: @escaping @Sendable (inout Accumulator, Value) throws -> Void,
        merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?,
        finish: @escaping @Sendable (Accumulator) throws -> Down?
    ) {
        self.init(
            initial: initial, fold: fold, merge: merge,
            finishing: { accumulator, emit in if let result = try finish(accumulator) { emit(result) } })
    }

    /// A folding whose closing window may emit several results, and which
    /// may emit while the window is open (`react`, after each value).
    @inlinable
    package init(
        initial: @escaping @Sendable () -> Accumulator,
        fold: @escaping @Sendable (inout Accumulator, Value) throws -> Void,
        merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?,
        finishing: @escaping @Sendable (Accumulator, (Down) -> Void) throws -> Void,
        react: (@Sendable (inout Accumulator, (Down) -> Void) throws -> Void)? = nil
    ) {
        self.initial = initial
        self.fold = fold
        self.merge = merge
        self.finish = finishing
        self.react = react
    }
}

/// One thing a windowing step emits, before it is split into `down`, `late` and `meta`.
@usableFromInline
enum WindowEvent<Value: Sendable, Down: Sendable>: Sendable {
    case down(WindowResult<Down>)
    case late(WindowID, Value)
    case meta(WindowID, WindowMetadata)
}
