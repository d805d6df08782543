import Foundation

/// A progress signal that flows behind the items of a stream: an epoch barrier
/// ("every item of this epoch has passed"), an event-time watermark, or the
/// end of the stream.
package enum Progress: Comparable, Sendable, CustomStringConvertible {
    /// All items of this epoch have been sent on this channel.
    case barrier(Epoch)
    /// The channel's event-time watermark rose (or its idleness changed).
    /// It never pauses a channel: gates merge it over their channels.
    case watermark(Watermark)
    /// No more items will come on this channel (implies every barrier).
    case end

    /// Orders barriers by epoch with `end` last; watermarks (which gates never
    /// compare with barriers) sort before every barrier, by time.
    package static func < (lhs: Progress, rhs: Progress) -> Bool {
        switch (lhs, rhs) {
        case let (.barrier(a), .barrier(b)): return a < b
        case let (.watermark(a), .watermark(b)): return (a.time, a.idle ? 1 : 0) < (b.time, b.idle ? 1 : 0)
        case (.watermark, _): return true
        case (.barrier, .end): return true
        case (.barrier, .watermark): return false
        case (.end, _): return false
        }
    }

    /// True for `.watermark`.
    package var isWatermark: Bool {
        if case .watermark = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .barrier(let e): return "barrier(\(e.rawValue))"
        case .watermark(let w): return "watermark(\(w.time.timeIntervalSince1970)\(w.idle ? ", idle" : ""))"
        case .end: return "end"
        }
    }
}

/// An event-time watermark as it travels through a dataflow: no item with an
/// earlier event time is expected any more on the channel that sent it.
///
/// `idle` says that every source partition behind the channel is idle (or has
/// ended): a gate then leaves the channel out of the minimum it passes on, as
/// long as another channel is active, so an idle partition does not hold the
/// stream's watermark back.
///
/// ```swift
/// let mark = Watermark(time: Date(timeIntervalSince1970: 60), idle: false)
/// ```
package struct Watermark: Hashable, Sendable {
    /// The event time up to which the stream is complete.
    package var time: Date
    /// True when everything behind the channel is idle.
    package var idle: Bool

    package init(time: Date, idle: Bool) {
        self.time = time
        self.idle = idle
    }
}
