import Foundation

/// A window operator's sense of time: the event time of each item and the
/// watermark, the time before which no more items are expected. Windows close
/// when the watermark passes their close time; items for windows that have
/// already closed go to the `late` stream.
///
/// `EventClock` and `SystemClock` keep the watermark per key (as in Bytewax)
/// in a `WindowClockState` stored with the key's windows. `StreamClock`
/// follows the stream's watermark instead: tracked per source partition by
/// inputs that declare `watermarks`, merged over workers and processes
/// (`docs/decisions/0012-window-clocks.md`).
///
/// ```swift
/// let clock = EventClock<Reading>(timestamp: { $0.time }, waitForSystemDuration: .seconds(5))
/// let system = SystemClock<Reading>()
/// let stream = StreamClock<Reading>(timestamp: { $0.time })
/// ```
public protocol WindowClock<Value>: Sendable {
    /// The values of the keyed stream being windowed.
    associatedtype Value

    /// The current system time (replaceable in tests).
    func now() -> Date

    /// True when `now()` is the engine's own system time (`Date()`), so a
    /// windowing step can schedule its timers from it without reading the
    /// time again. False for an injected test time (the default).
    var readsSystemTime: Bool { get }

    /// The event time of a value seen at system time `now`.
    /// - Returns: The time, or nil if the value has no usable timestamp.
    /// - Throws: Whatever the timestamp getter throws.
    func timestamp(of value: Value, now: Date) throws -> Date?

    /// Updates a key's clock for an item with event time `timestamp` seen at
    /// system time `now`, and returns the watermark after it. The watermark
    /// never moves backwards.
    func observe(_ timestamp: Date, at now: Date, state: inout WindowClockState) -> Date

    /// What to do with an item whose timestamp is nil (or not a finite time).
    var missingTimestamps: MissingTimestampPolicy { get }

    /// How far an item's event time may be ahead of the clock's system time;
    /// nil for no limit. A later time is a bad timestamp (a unit mix-up, a
    /// broken device clock) that would otherwise push the key's watermark
    /// ahead and make its next items late.
    var maxAheadOfSystemTime: Duration? { get }

    /// What to do with an item whose event time is more than
    /// `maxAheadOfSystemTime` ahead of system time.
    var futureTimestamps: BadTimestampPolicy { get }

    /// A problem with the clock's settings (reported at build, naming the step), or nil.
    var problem: String? { get }

    /// True when windows close on the stream's watermark (the engine's,
    /// from the inputs' `watermarks`) rather than on `observe`'s per-key one.
    var usesStreamWatermark: Bool { get }
}

extension WindowClock {
    /// False: a clock is assumed to keep its own time unless it says otherwise.
    public var readsSystemTime: Bool { false }

    /// No limit.
    public var maxAheadOfSystemTime: Duration? { nil }

    /// `maxAheadOfSystemTime` in seconds.
    @available(*, deprecated, renamed: "maxAheadOfSystemTime", message: "a Duration now")
    public var futureLimit: TimeInterval? { maxAheadOfSystemTime?.seconds }

    /// `.fail`.
    public var futureTimestamps: BadTimestampPolicy { .fail }

    /// False: the watermark is the key's own.
    public var usesStreamWatermark: Bool { false }
}
