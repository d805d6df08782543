/// The id of one window of one key, as the windowing operators label their
/// outputs. Tumbling and sliding windows are numbered from the windower's
/// alignment instant (window 0 opens there, earlier ones are negative), so the
/// same instant gets the same id in every run; session windows are numbered
/// per key in the order they open.
///
/// ```swift
/// let first: WindowID = 0
/// print(first, WindowID.unassigned)   // 0 unassigned
/// ```
public struct WindowID: Hashable, Comparable, Codable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The number of the window.
    public let rawValue: Int

    /// Wraps a window number.
    /// - Parameter rawValue: The number.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Writes a window id as an integer literal.
    /// - Parameter value: The number.
    public init(integerLiteral value: Int) { self.rawValue = value }

    /// The label of late items that belong to no window: an item too late for
    /// any session, or an item without a usable timestamp routed to `late`.
    public static let unassigned = WindowID(Int.min)

    public static func < (lhs: WindowID, rhs: WindowID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { self == .unassigned ? "unassigned" : String(rawValue) }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
