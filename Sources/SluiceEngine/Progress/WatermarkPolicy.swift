import Foundation

/// How an input step derives the stream's event-time watermark from the
/// items it reads.
///
/// ```swift
/// let policy = WatermarkPolicy<Date>(timestamp: { $0 }, allowance: 5, idleAfter: 30, futureLimit: 86_400)
/// ```
package struct WatermarkPolicy<Item> {
    /// An item's event time; nil when it has none (it then moves nothing).
    package let timestamp: (Item) throws -> Date?
    /// How far (seconds) the watermark stays behind a partition's largest event time.
    package let allowance: TimeInterval
    /// After how long (seconds) without items a partition counts as idle.
    package let idleAfter: TimeInterval
    /// Event times further ahead of system time are ignored (a broken clock
    /// must not push the watermark ahead); nil for no limit.
    package let futureLimit: TimeInterval?

    package init(
        timestamp: @escaping (Item) throws -> Date?, allowance: TimeInterval, idleAfter: TimeInterval,
        futureLimit: TimeInterval?
    ) {
        self.timestamp = timestamp
        self.allowance = allowance
        self.idleAfter = idleAfter
        self.futureLimit = futureLimit
    }

    /// The largest usable event time in `batch`, if any.
    package func maxEventTime(in batch: [Item], now: Date) throws -> Date? {
        var largest: Date?
        for item in batch {
            guard let time = try forItem(item, { try timestamp(item) }),
                time.timeIntervalSinceReferenceDate.isFinite
            else { continue }
            if let futureLimit, time.timeIntervalSince(now) > futureLimit { continue }
            if largest.map({ time > $0 }) ?? true { largest = time }
        }
        return largest
    }
}
