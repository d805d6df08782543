import Foundation

/// What a window clock remembers for one key, snapshotted with the key's open
/// windows so a resumed run continues with the same watermark.
///
/// The watermark at system time `s` is `watermark + (s − systemTime)`: it is
/// `watermark` when set and then moves with system time while nothing newer
/// arrives.
///
/// ```swift
/// var state = WindowClockState()
/// let clock = EventClock<Date>(timestamp: { $0 }, waitForSystemDuration: .seconds(5))
/// _ = clock.observe(Date(timeIntervalSince1970: 7), at: Date(timeIntervalSince1970: 0), state: &state)
/// print(state.watermark!.timeIntervalSince1970)   // 2.0
/// ```
public struct WindowClockState: Codable, Sendable, Hashable {
    /// The watermark when it was last set; nil before the first item.
    public var watermark: Date?
    /// The system time at which `watermark` was set.
    public var systemTime: Date?
    /// The largest event time seen.
    public var maxEventTime: Date?

    /// A clock that has seen nothing: its watermark is `Date.distantPast`.
    @inlinable public init() {}

    /// The watermark at system time `now`: the stored one advanced by the
    /// system time since it was set (never moving backwards).
    /// - Parameter now: The current system time.
    /// - Returns: The watermark, `Date.distantPast` before the first item.
    @inlinable
    public func watermark(at now: Date) -> Date {
        guard let watermark, let systemTime else { return .distantPast }
        return watermark.addingTimeInterval(max(0, now.timeIntervalSince(systemTime)))
    }

    /// The system time at which the watermark reaches `eventTime`, if ever.
    /// - Parameter eventTime: An event time (a window's close time).
    /// - Returns: That system time; nil before the first item.
    @inlinable
    public func systemTime(whenWatermarkReaches eventTime: Date) -> Date? {
        guard let watermark, let systemTime else { return nil }
        return systemTime.addingTimeInterval(max(0, eventTime.timeIntervalSince(watermark)))
    }

    /// The same clock, with the system-time advance up to `now` folded into
    /// the watermark (what a snapshot stores: the watermark reached then).
    /// - Parameter now: The current system time.
    /// - Returns: A state whose watermark at any later time is unchanged.
    @inlinable
    public func settled(at now: Date) -> WindowClockState {
        guard watermark != nil, let systemTime, now > systemTime else { return self }
        var settled = self
        settled.watermark = watermark(at: now)
        settled.systemTime = now
        return settled
    }

    /// A restored clock: the system time between the snapshot and `now` (the
    /// run was stopped or down) does not advance the watermark, so input
    /// that waited in the source meanwhile is not late because of it.
    /// - Parameter now: The system time at the restore.
    @inlinable
    public mutating func resume(at now: Date) {
        if watermark != nil, systemTime != nil { systemTime = now }
    }
}
