import Foundation

/// A clock that reads each item's event time from the item.
///
/// The watermark is the largest event time seen minus `waitForSystemDuration`,
/// and it moves forward with system time while no newer item arrives, so a
/// key that goes quiet still closes its windows about `waitForSystemDuration`
/// after its last item. It never moves backwards. Items are handled correctly
/// as long as they are not more out of order than that allowance; later ones
/// go to the `late` stream.
///
/// ```swift
/// struct Reading { let sensor: String; let time: Date; let value: Double }
/// let clock = EventClock<Reading>(timestamp: { $0.time }, waitForSystemDuration: .seconds(5))
/// ```
public struct EventClock<Value>: WindowClock {
    @usableFromInline let getter: @Sendable (Value) throws -> Date?
    /// The injected system time; nil reads `Date()`.
    @usableFromInline let clock: (@Sendable () -> Date)?
    /// How far behind the largest event time the watermark stays.
    public let waitForSystemDuration: Duration
    /// `waitForSystemDuration` in seconds, for the per-item arithmetic.
    @usableFromInline let allowanceSeconds: TimeInterval
    /// What to do with an item whose timestamp is nil.
    public let missingTimestamps: MissingTimestampPolicy
    /// How far an event time may be ahead of system time; nil for no limit.
    public let maxAheadOfSystemTime: Duration?
    /// What to do with an item whose event time is further ahead than `maxAheadOfSystemTime`.
    public let futureTimestamps: BadTimestampPolicy

    /// `waitForSystemDuration` in seconds.
    @available(*, deprecated, renamed: "waitForSystemDuration", message: "a Duration now")
    public var allowance: TimeInterval { allowanceSeconds }

    /// Creates an event-time clock.
    /// - Parameters:
    ///   - timestamp: The event time of a value; nil when it has none usable.
    ///   - waitForSystemDuration: How long to wait for out-of-order items (zero or more).
    ///   - onMissingTimestamp: What to do when `timestamp` returns nil. Default `.fail`.
    ///   - maxAheadOfSystemTime: How far an event time may be ahead of the
    ///     system time (`now`); nil for no limit. Default one day.
    ///   - onFutureTimestamp: What to do with an item further ahead. Default `.fail`.
    ///   - now: The system time, replaceable in tests; nil (the default) reads `Date()`.
    public init(
        timestamp: @escaping @Sendable (Value) throws -> Date?, waitForSystemDuration: Duration,
        onMissingTimestamp: MissingTimestampPolicy = .fail, maxAheadOfSystemTime: Duration? = .seconds(86_400),
        onFutureTimestamp: BadTimestampPolicy = .fail, now: (@Sendable () -> Date)? = nil
    ) {
        getter = timestamp
        self.waitForSystemDuration = waitForSystemDuration
        allowanceSeconds = waitForSystemDuration.seconds
        missingTimestamps = onMissingTimestamp
        self.maxAheadOfSystemTime = maxAheadOfSystemTime
        futureTimestamps = onFutureTimestamp
        clock = now
    }

    @inlinable
    public func now() -> Date { clock?() ?? Date() }

    @inlinable
    public var readsSystemTime: Bool { clock == nil }

    @inlinable
    public func timestamp(of value: Value, now: Date) throws -> Date? { try getter(value) }

    @inlinable
    public func observe(_ timestamp: Date, at now: Date, state: inout WindowClockState) -> Date {
        let current = state.watermark(at: now)
        if let max = state.maxEventTime, timestamp <= max { return current }
        // A newer event: the watermark restarts from it, unless system time
        // has already carried it further (it never moves backwards).
        let watermark = Swift.max(timestamp.addingTimeInterval(-allowanceSeconds), current)
        state.maxEventTime = timestamp
        state.watermark = watermark
        state.systemTime = now
        return watermark
    }

    public var problem: String? {
        if waitForSystemDuration < .zero {
            return "waitForSystemDuration must not be negative, got \(waitForSystemDuration.seconds) s"
        }
        if let limit = maxAheadOfSystemTime, limit < .zero {
            return "maxAheadOfSystemTime must not be negative, got \(limit.seconds) s"
        }
        return nil
    }
}
