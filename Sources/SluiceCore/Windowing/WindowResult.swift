import Foundation

/// One result of a closed (or, for `joinWindow`'s running modes, open)
/// window, as the `down` stream of a windowing operator carries it: the
/// window's id, its start and end times and the value.
///
/// For tumbling and sliding windows `start` is inclusive and `end` exclusive
/// (`start` = alignment + id × step, `end` = `start` + length). For session
/// windows they are the first and last event times in the session, both
/// inclusive.
///
/// ```swift
/// counts.down.map("show") { "\($0.key) \($0.value.start)–\($0.value.end): \($0.value.value)" }
/// ```
public struct WindowResult<Value: Sendable>: Sendable {
    /// The window's id (see `WindowID`).
    public let window: WindowID
    /// The result.
    public let value: Value
    /// When the window starts (inclusive); a session's first event time.
    public let start: Date
    /// When the window ends (exclusive); a session's last event time (inclusive).
    public let end: Date

    /// Labels a result with its window.
    /// - Parameters:
    ///   - window: The window's id.
    ///   - value: The result.
    ///   - start: When the window starts.
    ///   - end: When it ends.
    @inlinable
    public init(window: WindowID, value: Value, start: Date, end: Date) {
        self.window = window
        self.value = value
        self.start = start
        self.end = end
    }
}

extension WindowResult: Equatable where Value: Equatable {}
extension WindowResult: Hashable where Value: Hashable {}
extension WindowResult: Codable where Value: Codable {}
