import Foundation
import Sluice
import SluiceTesting

/// The dataflow behind the committed store fixture (`Fixtures/store-format-1`):
/// a running count and one-minute event-time windows per sensor, over two
/// source partitions. Changing it changes the fixture's
/// meaning: the fixture was written by this flow, with these ids.
///
/// ```swift
/// let sink = TestingSink<String>()
/// try run(UpgradeFixtureFlow.make(limit: nil, sink: sink), workers: 2)
/// ```
enum UpgradeFixtureFlow {
    struct Reading: Sendable {
        let sensor: String
        let time: Date
    }

    static let start = Date(timeIntervalSince1970: 1_718_668_800)  // 2024-06-18 00:00:00 UTC
    static let perPartition = 120
    /// How many readings of each partition the fixture's run read before it was stopped.
    static let readBeforeStop = 60

    /// Partition p holds readings of sensors s0…s2 (and s3 on partition 1), 5 s apart, in time order.
    static let partitions: [[Reading]] = (0..<2).map { partition in
        (0..<perPartition).map { index in
            Reading(sensor: "s\((index + partition) % (3 + partition))", time: start.addingTimeInterval(Double(index) * 5))
        }
    }

    static func make(limit: Int?, sink: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("upgrade_fixture")
        let bySensor = flow.input("readings", Source(limit: limit))
            .keyOn("by_sensor") { $0.sensor }
        bySensor.statefulMap("running_count") { (count: Int?, _: Reading) in
            let next = (count ?? 0) + 1
            return (next, next)
        }
        .map("format_count") { "count \($0.key) \($0.value)" }
        .output("counts", sink)
        let windows = bySensor.countWindow(
            "per_minute", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .seconds(3600)),
            windower: TumblingWindower(length: .seconds(60), alignTo: start))
        windows.down.map("format_window") { "window \($0.key)#\($0.value.window)=\($0.value.value)" }.output("windows", sink)
        windows.late.map("format_late") { "late \($0.key)" }.output("late", sink)
        return flow
    }

    /// Both partitions; with a limit, each partition stops emitting (but does
    /// not end) after that many readings, so a stop lands when all is read.
    struct Source: PartitionedSource {
        let limit: Int?
        func listPartitions() throws -> [PartitionKey] { [PartitionKey("p0"), PartitionKey("p1")] }
        func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
            Partition(readings: partitions[key == PartitionKey("p0") ? 0 : 1], next: resumeState ?? 0, limit: limit)
        }
    }

    final class Partition: SourcePartition {
        let readings: [Reading]
        var next: Int
        let limit: Int?
        init(readings: [Reading], next: Int, limit: Int?) {
            self.readings = readings
            self.next = next
            self.limit = limit
        }
        func nextBatch() throws -> [Reading]? {
            let end = min(limit ?? readings.count, readings.count)
            if next >= end { return limit == nil ? nil : [] }
            defer { next = min(next + 7, end) }
            return Array(readings[next..<min(next + 7, end)])
        }
        func nextAwake() -> Date? { next >= (limit ?? readings.count) ? Date(timeIntervalSinceNow: 0.01) : nil }
        func snapshot() -> Int { next }
    }
}
