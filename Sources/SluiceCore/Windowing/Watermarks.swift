import Foundation
import SluiceEngine

/// How an input step tracks event time, so that windows downstream can close
/// on the stream's watermark (`StreamClock`) instead of each key's own.
///
/// Each source partition's watermark is its largest event time minus
/// `allowance`. A worker's watermark is the minimum over the partitions it
/// reads; a partition that returned nothing with a usable event time for
/// `idleAfter` is idle and left out, so a quiet partition does not hold the stream back. Exchanges and
/// merges pass on the minimum over the workers (and processes) feeding them.
/// When everything is idle the watermark moves on with system time. Each
/// partition's largest event time is snapshotted with its position, so a
/// resumed run starts from the same watermark.
///
/// ```swift
/// struct Reading: Sendable { let sensor: String; let time: Date; let value: Double }
/// let readings = flow.input(
///     "readings", TestingSource([Reading(sensor: "a", time: Date(timeIntervalSince1970: 1), value: 2)]),
///     watermarks: Watermarks(timestamp: { $0.time }, allowance: .seconds(5), idleAfter: .seconds(30)))
/// ```
public struct Watermarks<Item>: Sendable {
    let timestamp: @Sendable (Item) throws -> Date?
    /// How far the watermark stays behind a partition's largest event time.
    public let allowance: Duration
    /// After how long without items a partition counts as idle.
    public let idleAfter: Duration
    /// How far an event time may be ahead of system time and still move the
    /// watermark; nil for no limit.
    public let maxAheadOfSystemTime: Duration?

    /// `maxAheadOfSystemTime` in seconds.
    @available(*, deprecated, renamed: "maxAheadOfSystemTime", message: "a Duration now")
    public var futureLimit: TimeInterval? { maxAheadOfSystemTime?.seconds }

    /// Creates a watermark policy for an input.
    /// - Parameters:
    ///   - timestamp: An item's event time; nil when it has none (such an
    ///     item moves nothing here; the window step applies its own policy).
    ///   - allowance: How long to wait for out-of-order items (zero or more).
    ///   - idleAfter: How long a partition may return nothing before it stops
    ///     holding the watermark back (more than zero). Default 30 s.
    ///   - maxAheadOfSystemTime: Event times further ahead of system time do
    ///     not move the watermark (a broken device clock would otherwise make
    ///     every later item late); nil for no limit. Default one day.
    public init(
        timestamp: @escaping @Sendable (Item) throws -> Date?, allowance: Duration,
        idleAfter: Duration = .seconds(30), maxAheadOfSystemTime: Duration? = .seconds(86_400)
    ) {
        self.timestamp = timestamp
        self.allowance = allowance
        self.idleAfter = idleAfter
        self.maxAheadOfSystemTime = maxAheadOfSystemTime
    }

    /// A problem with the settings, or nil.
    var problem: String? {
        if allowance < .zero { return "watermarks: allowance must not be negative, got \(allowance.seconds) s" }
        if idleAfter <= .zero { return "watermarks: idleAfter must be more than zero, got \(idleAfter.seconds) s" }
        if let limit = maxAheadOfSystemTime, limit < .zero {
            return "watermarks: maxAheadOfSystemTime must not be negative, got \(limit.seconds) s"
        }
        return nil
    }

    var policy: WatermarkPolicy<Item> {
        WatermarkPolicy(
            timestamp: timestamp, allowance: allowance.seconds, idleAfter: idleAfter.seconds,
            futureLimit: maxAheadOfSystemTime?.seconds)
    }
}
