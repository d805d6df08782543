/// Hands a value that is not `Sendable` (a `Dataflow`) to one other thread.
///
/// ```swift
/// let handoff = Handoff(value: flow)
/// Thread { try? run(handoff.value, configuration: configuration) }.start()
/// ```
// @unchecked: the sender gives the value up when it creates the handoff and
// never touches it again; only the receiving thread uses it from then on.
package struct Handoff<Value>: @unchecked Sendable {
    /// The value handed over.
    package let value: Value

    /// Wraps `value` for the receiving thread.
    package init(value: Value) { self.value = value }
}
