import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Window results carry their window's start and end times: tumbling and
/// sliding windows their bounds (start inclusive, end exclusive), sessions
/// their first and last event times; each result's times match the window's
/// metadata.
@Suite struct WindowResultTests {
    typealias Event = WindowSupport.Event

    /// "id:start-end" in seconds after the origin.
    static func describe(_ result: WindowResult<Int>) -> String {
        let start = result.start.timeIntervalSince(WindowSupport.origin)
        let end = result.end.timeIntervalSince(WindowSupport.origin)
        return "\(result.window):\(start)-\(end)=\(result.value)"
    }

    /// The results' times agree with the `meta` stream's record of each window.
    static func expectTimesMatchMetadata(_ out: WindowSupport.Collected<Event, Int>) {
        let meta = Dictionary(uniqueKeysWithValues: out.meta.items.map { ("\($0.key)#\($0.value.window)", $0.value.meta) })
        for item in out.down.items {
            let record = meta["\(item.key)#\(item.value.window)"]
            #expect(record?.openTime == item.value.start && record?.closeTime == item.value.end, "window \(item.value.window)")
        }
    }

    @Test func tumblingResultsCarryTheirBounds() throws {
        let events = [Event(3, "a"), Event(9.5, "b"), Event(27, "c"), Event(-4, "d")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.countWindow(
                "count", clock: WindowSupport.eventClock(wait: .seconds(60)),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map { Self.describe($0.value) }.sorted() == ["-1:-10.0-0.0=1", "0:0.0-10.0=2", "2:20.0-30.0=1"])
        Self.expectTimesMatchMetadata(out)
    }

    @Test func slidingResultsCarryTheirBounds() throws {
        let out = try WindowSupport.run(TestingSource([Event(13, "a")])) { keyed in
            keyed.countWindow(
                "count", clock: WindowSupport.eventClock(),
                windower: SlidingWindower(length: .seconds(10), offset: .seconds(5), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map { Self.describe($0.value) }.sorted() == ["1:5.0-15.0=1", "2:10.0-20.0=1"])
        Self.expectTimesMatchMetadata(out)
    }

    @Test func sessionResultsCarryTheirFirstAndLastEventTimes() throws {
        // Sessions with a 5 s gap: [1, 4, 8] and [20, 22.5]; 8 arrives before 4 (in the wait).
        let events = [Event(1, "a"), Event(8, "b"), Event(4, "c"), Event(20, "d"), Event(22.5, "e")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.countWindow(
                "count", clock: WindowSupport.eventClock(wait: .seconds(60)), windower: SessionWindower(gap: .seconds(5)))
        }
        let results = out.down.items.map(\.value).sorted { $0.start < $1.start }
        #expect(results.map { "\($0.start.timeIntervalSince(WindowSupport.origin))-\($0.end.timeIntervalSince(WindowSupport.origin))=\($0.value)" }
            == ["1.0-8.0=3", "20.0-22.5=2"])
        Self.expectTimesMatchMetadata(out)
    }

    @Test func runningJoinResultsCarryTheOpenWindowsBounds() throws {
        let flow = Dataflow("join_times")
        let left = flow.input("left", TestingSource([Event(12, "l")])).keyOn("key_left") { _ in "k" }
        let right = flow.input("right", TestingSource([Event(14, "r")])).keyOn("key_right") { _ in "k" }
        let rows = TestingSink<String>()
        left.joinWindow(
            "join", right,
            clock: EventClock(
                timestamp: { $0.either(left: \.time, right: \.time) }, waitForSystemDuration: .seconds(60),
                now: WindowSupport.frozenNow),
            windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin), emitMode: .running
        ).down.map("times") {
            "\($0.value.start.timeIntervalSince(WindowSupport.origin))-\($0.value.end.timeIntervalSince(WindowSupport.origin))"
        }.output("rows", rows)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 1))
        #expect(!rows.items.isEmpty && rows.items.allSatisfy { $0 == "10.0-20.0" }, "\(rows.items)")
    }
}
