import Foundation

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
