/// Identifies the dataflow a recovery store belongs to (its flow id), stored
/// in the `meta` table under `flow_id`, so a store written by another
/// dataflow is refused instead of silently reused.
///
/// ```swift
/// let id: FlowID = "word_count"
/// ```
package struct FlowID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The dataflow's id.
    package let rawValue: String
    /// Creates a flow id.
    /// - Parameter rawValue: The dataflow's id.
    package init(_ rawValue: String) { self.rawValue = rawValue }
    /// Creates a flow id from a literal.
    package init(stringLiteral value: String) { self.rawValue = value }
    package var description: String { rawValue }
}
