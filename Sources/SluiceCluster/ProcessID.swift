/// The index of a process in a cluster, starting at 0; also its position in
/// the address list.
///
/// ```swift
/// let first = ProcessID(0)
/// print(first)   // process 0
/// ```
public struct ProcessID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The zero-based index.
    public let rawValue: Int
    /// Creates a process id.
    /// - Parameter rawValue: The zero-based index.
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: ProcessID, rhs: ProcessID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "process \(rawValue)" }
}
