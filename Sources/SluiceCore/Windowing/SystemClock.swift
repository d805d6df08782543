import Foundation

/// A clock that stamps each item with the system time at which the window
/// operator sees it; the watermark is the system time, so no item is ever
/// late and windows close as system time passes their close time (and at the
/// end of input).
///
/// ```swift
/// let out = keyed.collectWindow("per_second", clock: SystemClock(), windower: TumblingWindower(length: .seconds(1), alignTo: .distantPast))
/// ```
public struct SystemClock<Value>: WindowClock {
    /// The injected system time; nil reads `Date()`.
    @usableFromInline let clock: (@Sendable () -> Date)?

    /// Creates a system clock.
    /// - Parameter now: The system time, replaceable in tests; nil (the default) reads `Date()`.
    public init(now: (@Sendable () -> Date)? = nil) { clock = now }

    @inlinable
    public func now() -> Date { clock?() ?? Date() }

    @inlinable
    public var readsSystemTime: Bool { clock == nil }

    @inlinable
    public func timestamp(of value: Value, now: Date) throws -> Date? { now }

    @inlinable
    public func observe(_ timestamp: Date, at now: Date, state: inout WindowClockState) -> Date {
        let watermark = max(now, state.watermark(at: now))
        state.watermark = watermark
        state.systemTime = now
        state.maxEventTime = max(state.maxEventTime ?? timestamp, timestamp)
        return watermark
    }

    public var missingTimestamps: MissingTimestampPolicy { .fail }
    public var problem: String? { nil }
}
