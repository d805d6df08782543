/// The version of the snapshot format a recovery store holds: how state and
/// source positions are encoded in it. Stored in the `meta` table under
/// `format_version`; distinct from the SQLite schema version
/// (``SchemaVersion``), which only says which tables exist.
///
/// ```swift
/// let v = SnapshotFormatVersion.current
/// print(v)   // snapshot format 1
/// ```
package struct SnapshotFormatVersion: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The version number.
    package let rawValue: Int
    /// Creates a format version.
    /// - Parameter rawValue: The version number.
    package init(_ rawValue: Int) { self.rawValue = rawValue }
    /// The format this code writes.
    package static let current = SnapshotFormatVersion(1)
    package static func < (lhs: SnapshotFormatVersion, rhs: SnapshotFormatVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
    package var description: String { "snapshot format \(rawValue)" }
}

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
