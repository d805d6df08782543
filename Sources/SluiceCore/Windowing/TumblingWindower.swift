import Foundation

/// Back-to-back windows of one length: every item falls in exactly one.
///
/// Window 0 opens at `alignTo`, window k at `alignTo + k·length`, so
/// boundaries (and ids) are the same in every run. Open times are inclusive,
/// close times exclusive.
///
/// ```swift
/// let start = Date(timeIntervalSince1970: 1_718_668_800)   // 2024-06-18 00:00:00 UTC
/// let windower = TumblingWindower(length: .seconds(10), alignTo: start)
/// ```
public struct TumblingWindower: Windower {
    /// The length of each window.
    public let length: Duration
    /// An instant at which a window opens.
    public let alignTo: Date

    /// Creates a tumbling windower.
    /// - Parameters:
    ///   - length: The length of each window (more than zero).
    ///   - alignTo: An instant at which a window opens.
    public init(length: Duration, alignTo: Date) {
        self.length = length
        self.alignTo = alignTo
    }

    public var windowing: Windowing {
        let seconds = length.seconds
        return Windowing(
            .fixed(length: seconds, offset: seconds, alignTo: alignTo),
            problem: seconds > 0 ? nil : "TumblingWindower length must be more than zero, got \(length)")
    }
}
