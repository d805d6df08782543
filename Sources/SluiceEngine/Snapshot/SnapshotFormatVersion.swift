/// The version of the snapshot format a recovery store holds: how state and
/// source positions are encoded in it. Stored in the `meta` table under
/// `format_version`; distinct from the SQLite schema version
/// (`SchemaVersion` in SluiceRecovery), which only says which tables exist.
/// It lives with `SnapshotCoding` and the records it versions.
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
