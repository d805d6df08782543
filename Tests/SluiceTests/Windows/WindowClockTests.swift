import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// `EventClock` and `SystemClock`: the watermark rules (Bytewax's documented
/// clock behaviour, checked with our own code) and system-time advancement.
@Suite struct WindowClockTests {
    typealias Event = WindowSupport.Event

    /// A system time the test moves by hand.
    final class ManualTime: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_704_067_200))  // 2024-01-01
        func now() -> Date { current.withLock { $0 } }
        func advance(_ seconds: Double) { current.withLock { $0.addTimeInterval(seconds) } }
    }

    func clock(_ time: ManualTime, wait: Double = 5) -> EventClock<Date> {
        EventClock(timestamp: { $0 }, waitForSystemDuration: .seconds(wait), now: { time.now() })
    }

    let base = Date(timeIntervalSince1970: 1_704_067_200)
    func second(_ value: Double) -> Date { base.addingTimeInterval(value) }

    @Test func theWatermarkStartsAtTheBeginningOfTime() {
        #expect(WindowClockState().watermark(at: Date()) == .distantPast)
    }

    @Test func theWatermarkIsTheItemTimeMinusTheWait() {
        let time = ManualTime(), clock = clock(time)
        var state = WindowClockState()
        #expect(clock.observe(second(7), at: time.now(), state: &state) == second(2))
    }

    @Test func theWatermarkMovesWithSystemTime() {
        let time = ManualTime(), clock = clock(time)
        var state = WindowClockState()
        _ = clock.observe(second(7), at: time.now(), state: &state)
        time.advance(2)
        #expect(state.watermark(at: time.now()) == second(4))
    }

    @Test func newerItemsAdvanceItAndOlderOnesDoNotMoveItBack() {
        let time = ManualTime(), clock = clock(time)
        var state = WindowClockState()
        _ = clock.observe(second(7), at: time.now(), state: &state)
        #expect(clock.observe(second(10), at: time.now(), state: &state) == second(5))
        #expect(clock.observe(second(3), at: time.now(), state: &state) == second(5))
    }

    @Test func aNewerItemSlowerThanSystemTimeDoesNotMoveItBack() {
        let time = ManualTime(), clock = clock(time)
        var state = WindowClockState()
        _ = clock.observe(second(7), at: time.now(), state: &state)  // 2
        time.advance(2)  // 4
        #expect(clock.observe(second(3), at: time.now(), state: &state) == second(4))
        #expect(clock.observe(second(8), at: time.now(), state: &state) == second(4), "8 - 5 = 3 would go back")
    }

    @Test func theSystemClockWatermarkIsTheSystemTime() throws {
        let time = ManualTime()
        let clock = SystemClock<Int>(now: { time.now() })
        var state = WindowClockState()
        let now = clock.now()
        #expect(try clock.timestamp(of: 1, now: now) == now)
        #expect(clock.observe(now, at: now, state: &state) == now)
        time.advance(3)
        #expect(state.watermark(at: time.now()) == now.addingTimeInterval(3))
    }

    @Test func aQuietKeysWindowClosesAsSystemTimeMovesTheWatermark() throws {
        // One item, then the source waits until its window has closed by a
        // timer (not at the end of input); the item sent after that is late.
        let closed = Flag()
        let source = KeepAliveSource(
            [(key: "a", value: Event(0, "first"))], then: [(key: "a", value: Event(0.05, "after"))], until: closed)
        let flow = Dataflow("quiet")
        let out = WindowSupport.Collected<Event, [Event]>()
        let windows = flow.input("events", source)
            .collectWindow(
                "collect", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .milliseconds(50)),
                windower: TumblingWindower(length: .milliseconds(100), alignTo: WindowSupport.origin))
        windows.down.inspect("seen") { _ in closed.set() }.output("down_out", out.down)
        windows.late.output("late_out", out.late)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 1))
        #expect(!source.gaveUp.isSet, "the window never closed before the end of input")
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["first"]])
        #expect(out.late.items.map(\.value.value.label) == ["after"])
    }

    @Test func aFrozenClockOnlyClosesWindowsWithNewerItemsOrAtTheEnd() throws {
        let events = [Event(0, "a"), Event(5, "b"), Event(12, "c")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.collectWindow(
                "collect", clock: WindowSupport.eventClock(wait: .seconds(100)),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["a", "b"], ["c"]])
        #expect(out.late.items.isEmpty)
    }

    @Test func aNegativeWaitIsRejectedAtBuildNamingTheStep() throws {
        let flow = Dataflow("clocks")
        flow.input("events", TestingSource([Event(0, "a")])).keyOn("key") { _ in "k" }
            .countWindow(
                "count", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .seconds(-1)),
                windower: TumblingWindower(length: .seconds(1), alignTo: WindowSupport.origin)
            ).down.output("out", TestingSink())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == "clocks.count")
        #expect("\(error)".contains("waitForSystemDuration"))
    }

    @Test func itemsWithoutATimestampStopTheRunNamingTheStepOrGoToLate() throws {
        let events = [Event(0, "a"), Event(-1, "no-time"), Event(1, "b")]
        let timestamp: @Sendable (Event) -> Date? = { $0.second < 0 ? nil : $0.time }
        let failing = Dataflow("stamps")
        failing.input("events", TestingSource(events)).keyOn("key") { _ in "k" }
            .countWindow(
                "count", clock: EventClock(timestamp: timestamp, waitForSystemDuration: .zero),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
            ).down.output("out", TestingSink())
        let error = try expectRunFails(failing, workers: 1)
        #expect(error.step?.description.hasPrefix("stamps.count") == true, "\(error)")
        #expect("\(error)".contains("no usable timestamp") && "\(error)".contains("no-time"), "\(error)")

        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.collectWindow(
                "collect",
                clock: EventClock(timestamp: timestamp, waitForSystemDuration: .zero, onMissingTimestamp: .late, now: WindowSupport.frozenNow),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
        }
        #expect(out.late.items.map { "\($0.value.window):\($0.value.value.label)" } == ["unassigned:no-time"])
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["a", "b"]])
    }
}
