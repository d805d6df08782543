import Foundation

/// Windows of one length that open every `offset`: with `offset < length`
/// they overlap and an item falls in several; with `offset == length` they
/// tumble. `offset > length` would leave gaps and is rejected.
///
/// Window 0 opens at `alignTo`, window k at `alignTo + k·offset`. Open times
/// are inclusive, close times exclusive.
///
/// ```swift
/// let start = Date(timeIntervalSince1970: 0)
/// let windower = SlidingWindower(length: .seconds(10), offset: .seconds(5), alignTo: start)
/// ```
public struct SlidingWindower: Windower {
    /// The length of each window.
    public let length: Duration
    /// The time between the opening of one window and the next.
    public let offset: Duration
    /// An instant at which a window opens.
    public let alignTo: Date

    /// Creates a sliding windower.
    /// - Parameters:
    ///   - length: The length of each window (more than zero).
    ///   - offset: The time between window openings (more than zero, at most `length`).
    ///   - alignTo: An instant at which a window opens.
    public init(length: Duration, offset: Duration, alignTo: Date) {
        self.length = length
        self.offset = offset
        self.alignTo = alignTo
    }

    public var windowing: Windowing {
        let length = length.seconds, offset = offset.seconds
        let problem: String?
        if length <= 0 {
            problem = "SlidingWindower length must be more than zero, got \(self.length)"
        } else if offset <= 0 {
            problem = "SlidingWindower offset must be more than zero, got \(self.offset)"
        } else if offset > length {
            problem = "SlidingWindower offset (\(self.offset)) must not exceed length (\(self.length)): "
                + "items between windows would belong to none"
        } else {
            problem = nil
        }
        return Windowing(.fixed(length: length, offset: offset, alignTo: alignTo), problem: problem)
    }
}
