import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Timestamps a window step cannot use: too far ahead of system time, not a
/// finite time, too far from the alignment to number. Each stops the run
/// with an error naming the step and the item, or goes to `late` when asked.
@Suite struct BadTimestampTests {
    typealias Event = WindowSupport.Event

    /// Seconds after `origin` that are `days` ahead of the frozen system time.
    static func ahead(days: Double) -> Double {
        WindowSupport.frozenNow().timeIntervalSince(WindowSupport.origin) + days * 86_400
    }

    static let tumbling = TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)

    /// An event clock with a frozen system time and no allowance.
    static func clock(
        missing: MissingTimestampPolicy = .fail, future: BadTimestampPolicy = .fail,
        limit: Duration? = .seconds(86_400)
    ) -> EventClock<Event> {
        EventClock(
            timestamp: { $0.time }, waitForSystemDuration: .zero, onMissingTimestamp: missing,
            maxAheadOfSystemTime: limit, onFutureTimestamp: future, now: WindowSupport.frozenNow)
    }

    static func failingRun(_ events: [Event], clock: EventClock<Event>) throws -> DataflowError {
        let flow = Dataflow("stamps")
        flow.input("events", TestingSource(events)).keyOn("key") { _ in "k" }
            .countWindow("count", clock: clock, windower: tumbling)
            .down.output("out", TestingSink())
        return try expectRunFails(flow, workers: 1)
    }

    @Test func aTimestampMoreThanADayAheadStopsTheRunNamingTheStepAndItem() throws {
        let events = [Event(0, "a"), Event(Self.ahead(days: 2), "typo"), Event(1, "b")]
        let error = try Self.failingRun(
            events, clock: Self.clock())
        #expect(error.step?.description.hasPrefix("stamps.count") == true, "\(error)")
        let text = "\(error)"
        #expect(text.contains("ahead of the system time") && text.contains("maxAheadOfSystemTime"), "\(text)")
        #expect(text.contains("typo"), "the error shows the item: \(text)")
    }

    @Test func aFutureTimestampCanGoToLateWithoutMovingTheWatermark() throws {
        let events = [Event(0, "a"), Event(Self.ahead(days: 2), "typo"), Event(1, "b"), Event(Self.ahead(days: 0.5), "soon")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.collectWindow(
                "collect",
                clock: Self.clock(future: .late),
                windower: Self.tumbling)
        }
        #expect(out.late.items.map { "\($0.value.window):\($0.value.value.label)" } == ["unassigned:typo"])
        // "b" is on time: the refused item did not move the watermark; half a
        // day ahead is within the default limit and makes a window of its own.
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["a", "b"], ["soon"]])
    }

    @Test func theLimitIsConfigurableAndCanBeLifted() throws {
        let events = [Event(0, "a"), Event(Self.ahead(days: 0.5), "soon")]
        let tight = try Self.failingRun(
            events,
            clock: Self.clock(limit: .seconds(3600)))
        #expect("\(tight)".contains("3600.0 s"), "\(tight)")

        let far = [Event(0, "a"), Event(Self.ahead(days: 400), "far")]
        let out = try WindowSupport.run(TestingSource(far)) { keyed in
            keyed.countWindow(
                "count",
                clock: Self.clock(limit: nil),
                windower: Self.tumbling)
        }
        #expect(out.down.items.map(\.value.value) == [1, 1])
    }

    @Test func aNegativeLimitIsRejectedAtBuildNamingTheStep() throws {
        let flow = Dataflow("stamps")
        flow.input("events", TestingSource([Event(0, "a")])).keyOn("key") { _ in "k" }
            .countWindow(
                "count",
                clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .zero, maxAheadOfSystemTime: .seconds(-1)),
                windower: Self.tumbling
            ).down.output("out", TestingSink())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == "stamps.count")
        #expect("\(error)".contains("maxAheadOfSystemTime"))
    }

    @Test func aTimeThatIsNotFiniteIsAMissingTimestamp() throws {
        let events = [Event(0, "a"), Event(.nan, "nan"), Event(.infinity, "inf")]
        let error = try Self.failingRun(
            events, clock: Self.clock())
        #expect("\(error)".contains("no usable timestamp") && "\(error)".contains("nan"), "\(error)")

        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.countWindow(
                "count",
                clock: Self.clock(missing: .late),
                windower: Self.tumbling)
        }
        #expect(out.late.items.map(\.value.value.label) == ["nan", "inf"])
        #expect(out.down.items.map(\.value.value) == [1])
    }

    @Test func aTimeTooFarFromTheAlignmentStopsTheRunInsteadOfCrashing() throws {
        let events = [Event(-1e300, "ancient")]
        let error = try Self.failingRun(
            events, clock: Self.clock())
        #expect("\(error)".contains("too far from the windower's alignment") && "\(error)".contains("ancient"), "\(error)")
    }
}
