import Foundation

/// Sessions: a key's items no more than `gap` apart in event time share a
/// window. A session closes once the watermark is more than `gap` past its
/// last item; an item that fills the gap between two sessions merges them
/// (the earlier one's id survives and the metadata lists the merged ids).
///
/// ```swift
/// let windower = SessionWindower(gap: .seconds(5))
/// ```
public struct SessionWindower: Windower {
    /// The longest quiet time inside one session.
    public let gap: Duration

    /// Creates a session windower.
    /// - Parameter gap: The longest quiet time inside one session (more than zero).
    public init(gap: Duration) { self.gap = gap }

    public var windowing: Windowing {
        let seconds = gap.seconds
        return Windowing(
            .session(gap: seconds), problem: seconds > 0 ? nil : "SessionWindower gap must be more than zero, got \(gap)")
    }
}
