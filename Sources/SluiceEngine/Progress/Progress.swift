import Foundation

/// A progress signal that flows behind the items of a stream: an epoch barrier
/// ("every item of this epoch has passed"), an event-time watermark, the end
/// of the stream, or its suspension (a stop that keeps state to resume).
/// `end` and `suspend` are terminal: nothing follows them on a channel.
package enum Progress: Comparable, Sendable, CustomStringConvertible {
    /// All items of this epoch have been sent on this channel.
    case barrier(Epoch)
    /// The channel's event-time watermark rose (or its idleness changed).
    /// It never pauses a channel: gates merge it over their channels.
    case watermark(Watermark)
    /// No more items will come on this channel (implies every barrier).
    case end
    /// No more items will come on this channel in this run, but the stream
    /// has not ended: the run stops to resume later (a stop with a recovery
    /// store). Stateful steps snapshot their state instead of flushing it as
    /// at the end of input; sinks flush and close as at `end`.
    case suspend

    /// Orders barriers by epoch with `end` last; watermarks (which gates never
    /// compare with barriers) sort before every barrier, by time.
    package static func < (lhs: Progress, rhs: Progress) -> Bool {
        switch (lhs, rhs) {
        case let (.barrier(a), .barrier(b)): return a < b
        case let (.watermark(a), .watermark(b)): return (a.time, a.idle ? 1 : 0) < (b.time, b.idle ? 1 : 0)
        case (.watermark, _): return true
        case (.barrier, .end), (.barrier, .suspend): return true
        case (.barrier, .watermark): return false
        case (.end, .suspend): return true
        case (.end, _), (.suspend, _): return false
        }
    }

    /// True for `.end` and `.suspend`: nothing follows on the channel.
    package var isTerminal: Bool {
        switch self {
        case .end, .suspend: return true
        case .barrier, .watermark: return false
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
        case .suspend: return "suspend"
        }
    }
}
