/// The seven core steps every operator is built from (DESIGN.md): each
/// `StepDefinition` is one of them, so the engine, validation and tools
/// reason about a closed set, whatever operator (`map`, `countWindow`, …)
/// the user called.
///
/// ```swift
/// let step = StepDefinition(id: "flow.words", core: .input, inputs: [], outputs: [down]) { _ in install }
/// step.core == .input   // true
/// ```
package enum CoreStep: String, Sendable, CaseIterable {
    /// Reads a source's partitions (`flow.input`).
    case input
    /// Writes to a sink (`stream.output`).
    case output
    /// A function from a batch to a batch, with no state (`map`, `filter`, `keyOn`, …).
    case flatMapBatch = "flat_map_batch"
    /// Per-key state and timers behind a keyed exchange (`statefulMap`, windows, joins, …).
    case stateful
    /// Splits one stream into two by a predicate.
    case branch
    /// Joins several streams into one.
    case merge
    /// Moves items between workers (`redistribute`, keyed routing).
    case exchange
}
