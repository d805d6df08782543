import Foundation

/// Merges the event-time watermarks of several channels into the one a gate
/// passes downstream.
///
/// - A channel that has not sent a watermark yet counts as active at
///   `Date.distantPast`: it holds the merged watermark back until it reports.
/// - The merged watermark is the minimum over the active channels; idle
///   channels are left out. When every remaining channel is idle, it is the
///   largest of theirs (each idle channel's watermark moves with system time),
///   and the result is idle too.
/// - Ended channels are left out entirely.
/// - The result never moves backwards: a channel that wakes up behind it
///   does not pull it back (its earlier items are then late, as in Flink).
///
/// ```swift
/// var merger = WatermarkMerger(channels: 2)
/// _ = merger.update(channel: 0, Watermark(time: Date(timeIntervalSince1970: 5), idle: false))   // nil: channel 1 unknown
/// let merged = merger.update(channel: 1, Watermark(time: Date(timeIntervalSince1970: 9), idle: false))
/// // merged?.time == 5
/// ```
package struct WatermarkMerger {
    private var marks: [Watermark?]
    private var ended: [Bool]
    private var current: Watermark?

    package init(channels: Int) {
        marks = Array(repeating: nil, count: channels)
        ended = Array(repeating: false, count: channels)
    }

    /// Records a channel's watermark.
    /// - Returns: The merged watermark if it changed (rose, or its idleness changed).
    package mutating func update(channel: Int, _ mark: Watermark) -> Watermark? {
        marks[channel] = mark
        return remerge()
    }

    /// Records that a channel ended.
    /// - Returns: The merged watermark if it changed.
    package mutating func end(channel: Int) -> Watermark? {
        ended[channel] = true
        return remerge()
    }

    private mutating func remerge() -> Watermark? {
        var activeMin: Date?
        var idleMax: Date?
        var anyReported = false
        for channel in marks.indices where !ended[channel] {
            guard let mark = marks[channel] else {
                activeMin = .distantPast
                continue
            }
            anyReported = true
            if mark.idle {
                idleMax = max(idleMax ?? mark.time, mark.time)
            } else {
                activeMin = min(activeMin ?? mark.time, mark.time)
            }
        }
        guard anyReported, let time = activeMin ?? idleMax else { return nil }
        let merged = Watermark(time: max(time, current?.time ?? time), idle: activeMin == nil)
        if let current, current == merged { return nil }
        if current == nil, merged.time == .distantPast, !merged.idle { return nil }
        current = merged
        return merged
    }
}
