import Foundation

/// A clock that reads each item's event time from the item and closes windows
/// on the stream's watermark: the one the inputs upstream track per source
/// partition (`flow.input(…, watermarks:)`), merged over workers and
/// processes, with idle partitions left out.
///
/// Unlike `EventClock`, whose watermark is each key's own, a key that goes
/// quiet closes its windows as soon as the rest of the stream has moved past
/// them, and an item is late when the stream's watermark (not its key's) has
/// passed its window. Every input upstream must declare `watermarks`; the
/// dataflow is refused otherwise, naming the input.
///
/// ```swift
/// struct Reading: Sendable { let sensor: String; let time: Date; let value: Double }
/// let clock = StreamClock<Reading>(timestamp: { $0.time })
/// ```
public struct StreamClock<Value>: WindowClock {
    /// Reads timestamps and system time, and applies the bad-timestamp
    /// policies, exactly as an event clock without allowance does.
    @usableFromInline let reading: EventClock<Value>

    /// Creates a clock that follows the stream's watermark.
    /// - Parameters:
    ///   - timestamp: The event time of a value; nil when it has none usable.
    ///   - onMissingTimestamp: What to do when `timestamp` returns nil. Default `.fail`.
    ///   - maxAheadOfSystemTime: How far an event time may be ahead of the
    ///     system time; nil for no limit. Default one day.
    ///   - onFutureTimestamp: What to do with an item further ahead. Default `.fail`.
    ///   - now: The system time, replaceable in tests; nil (the default) reads `Date()`.
    public init(
        timestamp: @escaping @Sendable (Value) throws -> Date?, onMissingTimestamp: MissingTimestampPolicy = .fail,
        maxAheadOfSystemTime: Duration? = .seconds(86_400), onFutureTimestamp: BadTimestampPolicy = .fail,
        now: (@Sendable () -> Date)? = nil
    ) {
        reading = EventClock(
            timestamp: timestamp, waitForSystemDuration: .zero, onMissingTimestamp: onMissingTimestamp,
            maxAheadOfSystemTime: maxAheadOfSystemTime, onFutureTimestamp: onFutureTimestamp, now: now)
    }

    /// What to do with an item whose timestamp is nil.
    public var missingTimestamps: MissingTimestampPolicy { reading.missingTimestamps }
    /// How far an event time may be ahead of system time; nil for no limit.
    public var maxAheadOfSystemTime: Duration? { reading.maxAheadOfSystemTime }
    /// What to do with an item whose event time is further ahead than `maxAheadOfSystemTime`.
    public var futureTimestamps: BadTimestampPolicy { reading.futureTimestamps }

    @inlinable
    public func now() -> Date { reading.now() }

    @inlinable
    public var readsSystemTime: Bool { reading.readsSystemTime }

    @inlinable
    public func timestamp(of value: Value, now: Date) throws -> Date? { try reading.timestamp(of: value, now: now) }

    /// The key's record of the stream watermark (windows close on the stream's, not on this).
    @inlinable
    public func observe(_ timestamp: Date, at now: Date, state: inout WindowClockState) -> Date {
        state.watermark ?? .distantPast
    }

    @inlinable
    public var usesStreamWatermark: Bool { true }

    public var problem: String? { reading.problem }
}
