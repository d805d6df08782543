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
    private let clock: @Sendable () -> Date

    /// Creates a system clock.
    /// - Parameter now: The system time, replaceable in tests.
    public init(now: @escaping @Sendable () -> Date = { Date() }) { clock = now }

    public func now() -> Date { clock() }

    public func timestamp(of value: Value, now: Date) throws -> Date? { now }

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
