import Foundation

/// What the example keeps per window (and reports when it closes): how many
/// readings, their sum, and the first and last reading times.
///
/// ```swift
/// var summary = SensorSummary()
/// summary.add(SensorReading(sensor: "s1", time: Date(timeIntervalSince1970: 0), value: 3))
/// print(summary.mean)   // 3.0
/// ```
struct SensorSummary: Codable, Sendable, Hashable {
    var count = 0
    var sum = 0.0
    var first: Date?
    var last: Date?

    /// The mean value (0 for no readings).
    var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// Adds a reading.
    mutating func add(_ reading: SensorReading) {
        count += 1
        sum += reading.value
        first = min(first ?? reading.time, reading.time)
        last = max(last ?? reading.time, reading.time)
    }

    /// This summary with a reading added.
    func adding(_ reading: SensorReading) -> SensorSummary {
        var summary = self
        summary.add(reading)
        return summary
    }

    /// This summary with a later session's readings added.
    func merged(with later: SensorSummary) -> SensorSummary {
        var summary = self
        summary.absorb(later)
        return summary
    }

    /// Adds the readings of a merged session.
    mutating func absorb(_ other: SensorSummary) {
        count += other.count
        sum += other.sum
        if let time = other.first { first = min(first ?? time, time) }
        if let time = other.last { last = max(last ?? time, time) }
    }
}

/// A closed window as written to the averages or sessions topic.
///
/// ```swift
/// // {"count":3,"end":"…","mean":21.2,"sensor":"s1","start":"…","window":7}
/// ```
struct SensorWindowRecord: Codable, Sendable, Hashable {
    var sensor: String
    /// The window id (tumbling: counted from the alignment; sessions: per sensor).
    var window: Int
    /// Tumbling: the window's bounds; sessions: the first and last reading times.
    var start: Date
    var end: Date
    var count: Int
    var mean: Double
}

/// A record of the late topic: a reading that came after its window closed
/// (`step` says which windows), or a message that is not a reading.
///
/// ```swift
/// // {"reading":{…},"sensor":"s1","step":"averages","window":3}
/// // {"error":"…","raw":"not json","step":"parse"}
/// ```
struct SensorLateRecord: Codable, Sendable, Hashable {
    var step: String
    var sensor: String?
    var window: Int?
    var reading: SensorReading?
    var error: String?
    var raw: String?
}
