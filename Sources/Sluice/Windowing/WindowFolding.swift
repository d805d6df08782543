/// How a windowing operator accumulates a window's values and what it emits
/// when the window closes; each `…Window` operator supplies one.
package struct WindowFolding<Value, Accumulator: Codable & Sendable, Down: Sendable>: Sendable {
    /// A new window's empty accumulator.
    let initial: @Sendable () -> Accumulator
    /// Adds a value to a window's accumulator.
    let fold: @Sendable (inout Accumulator, Value) throws -> Void
    /// Adds a merged session's accumulator to the surviving one's; nil when
    /// the operator cannot merge (a session windower then fails at build).
    let merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?
    /// The result of a closing window; nil emits none.
    let finish: @Sendable (Accumulator) throws -> Down?

    package init(
        initial: @escaping @Sendable () -> Accumulator,
        fold: @escaping @Sendable (inout Accumulator, Value) throws -> Void,
        merge: (@Sendable (inout Accumulator, Accumulator) throws -> Void)?,
        finish: @escaping @Sendable (Accumulator) throws -> Down?
    ) {
        self.initial = initial
        self.fold = fold
        self.merge = merge
        self.finish = finish
    }
}

/// One thing a windowing step emits, before it is split into `down`, `late` and `meta`.
enum WindowEvent<Value: Sendable, Down: Sendable>: Sendable {
    case down(WindowID, Down)
    case late(WindowID, Value)
    case meta(WindowID, WindowMetadata)
}
