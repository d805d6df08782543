import Foundation

/// The watermark of one input step on one worker, from the partitions it owns.
///
/// - A partition's watermark is its largest event time minus the allowance.
/// - A partition that returned nothing (or nothing with a usable event
///   time) for `idleAfter` is idle and left out.
/// - The worker's watermark is the minimum over its active partitions. When
///   all are idle it is the largest of theirs, each moved on by the system
///   time since it went quiet (so a quiet stream still closes its windows),
///   and it is marked idle.
/// - It never moves backwards; a partition that ended is left out.
///
/// ```swift
/// var marks = PartitionWatermarks(restored: [nil, nil], allowance: 5, idleAfter: 30)
/// marks.sawItems(0, maxEventTime: Date(timeIntervalSince1970: 100), now: Date())
/// marks.sawItems(1, maxEventTime: Date(timeIntervalSince1970: 50), now: Date())
/// let mark = marks.next(now: Date())   // time 45: partition 1 holds it back
/// ```
package struct PartitionWatermarks {
    struct Part {
        var maxEventTime: Date?
        /// When the partition started returning nothing (nil while it delivers).
        var quietSince: Date?
        var ended = false
    }

    /// The key under which a partition's largest event time is snapshotted,
    /// beside its position.
    package static func snapshotKey(_ partition: PartitionKey) -> String { partition.rawValue + "#max-event-time" }

    /// How often an idle worker's watermark (moving with system time) is sent.
    package static let idleTick: TimeInterval = 0.1

    private(set) var parts: [Part]
    private let allowance: TimeInterval
    private let idleAfter: TimeInterval
    private(set) var lastSent: Watermark?
    private var lastSentAt: Date?

    /// - Parameter restored: Each partition's largest event time from a snapshot (nil when none).
    package init(restored: [Date?], allowance: TimeInterval, idleAfter: TimeInterval) {
        parts = restored.map { Part(maxEventTime: $0) }
        self.allowance = allowance
        self.idleAfter = idleAfter
    }

    /// The largest event time seen in partition `index` (for its snapshot).
    package func maxEventTime(_ index: Int) -> Date? { parts[index].maxEventTime }

    /// Partition `index` returned items at `now`, the latest at
    /// `maxEventTime`. Items without a usable time say nothing about event
    /// time, so a partition that returns only such items can still turn idle
    /// (it would otherwise hold the watermark back for ever).
    package mutating func sawItems(_ index: Int, maxEventTime: Date?, now: Date) {
        guard let time = maxEventTime else {
            sawNothing(index, now: now)
            return
        }
        parts[index].quietSince = nil
        if parts[index].maxEventTime.map({ time > $0 }) ?? true { parts[index].maxEventTime = time }
    }

    /// Partition `index` returned nothing at `now`.
    package mutating func sawNothing(_ index: Int, now: Date) {
        if parts[index].quietSince == nil { parts[index].quietSince = now }
    }

    /// Partition `index` ended.
    package mutating func ended(_ index: Int) { parts[index].ended = true }

    private func isIdle(_ part: Part, now: Date) -> Bool {
        guard let quiet = part.quietSince else { return false }
        return now.timeIntervalSince(quiet) >= idleAfter
    }

    private func watermark(of part: Part) -> Date {
        part.maxEventTime.map { $0.addingTimeInterval(-allowance) } ?? .distantPast
    }

    /// The worker's watermark at `now`; nil once every partition has ended.
    package func current(now: Date) -> Watermark? {
        var activeMin: Date?
        var idleMax: Date?
        for part in parts where !part.ended {
            if isIdle(part, now: now) {
                let moved = part.maxEventTime == nil
                    ? Date.distantPast
                    : watermark(of: part).addingTimeInterval(now.timeIntervalSince(part.quietSince!))
                idleMax = max(idleMax ?? moved, moved)
            } else {
                let mark = watermark(of: part)
                activeMin = min(activeMin ?? mark, mark)
            }
        }
        guard let time = activeMin ?? idleMax else { return nil }
        return Watermark(time: max(time, lastSent?.time ?? time), idle: activeMin == nil)
    }

    /// The watermark to send now, if it changed since the last one sent. An
    /// idle watermark that only moved with system time is sent at most every `idleTick`.
    package mutating func next(now: Date) -> Watermark? {
        guard let mark = current(now: now), mark != lastSent else { return nil }
        if lastSent == nil, mark.time == .distantPast, !mark.idle { return nil }
        if mark.idle, lastSent?.idle == true, let at = lastSentAt, now.timeIntervalSince(at) < Self.idleTick {
            return nil
        }
        lastSent = mark
        lastSentAt = now
        return mark
    }

    /// When the watermark may change without new items: a quiet partition
    /// turning idle, or the next tick of an idle worker's watermark.
    package func nextChange(now: Date) -> Date? {
        var earliest: Date?
        var anyActive = false
        var anyIdle = false
        for part in parts where !part.ended {
            if isIdle(part, now: now) {
                anyIdle = true
            } else {
                anyActive = true
                if let quiet = part.quietSince {
                    let due = quiet.addingTimeInterval(idleAfter)
                    earliest = min(earliest ?? due, due)
                }
            }
        }
        if anyIdle, !anyActive {
            let tick = (lastSentAt ?? now).addingTimeInterval(Self.idleTick)
            earliest = min(earliest ?? tick, tick)
        }
        return earliest
    }
}
