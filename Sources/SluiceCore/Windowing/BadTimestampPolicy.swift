/// What a windowing operator does with an item whose timestamp it cannot
/// use: none (the getter returned nil), or one too far in the future.
///
/// ```swift
/// let clock = EventClock<Event>(
///     timestamp: { $0.time }, waitForSystemDuration: .zero,
///     onMissingTimestamp: .late, onFutureTimestamp: .late)
/// ```
public enum BadTimestampPolicy: Sendable {
    /// Stop the run with an error naming the step, the item and the problem.
    case fail
    /// Send the item to the `late` stream, labelled `WindowID.unassigned`.
    case late
}

/// The policy for items without a usable timestamp (the name it had before
/// future timestamps got one too).
///
/// ```swift
/// let policy: MissingTimestampPolicy = .late
/// ```
public typealias MissingTimestampPolicy = BadTimestampPolicy
