import Foundation
import Sluice
import SluiceEngine
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Windows on the stream's watermark (`StreamClock` over inputs with
/// `watermarks`): a quiet key closes when the stream moves on, an idle
/// partition does not hold the watermark back, a quiet stream moves it with
/// system time, the partitions' event times survive a resume, and bad
/// settings or timestamps get clear errors.
@Suite struct StreamWatermarkTests {
    typealias Event = WindowSupport.Event
    typealias Step = WaitingSource<Event>.Step

    static func key(of event: Event) -> String { String(event.label.prefix { $0 != "-" }) }

    static func watermarks(allowance: Double = 0, idleAfter: Duration = .milliseconds(200)) -> Watermarks<Event> {
        Watermarks(timestamp: { $0.time }, allowance: .seconds(allowance), idleAfter: idleAfter)
    }

    /// events → key → 10 s tumbling `collectWindow` on the stream's watermark.
    static func flow(
        _ source: WaitingSource<Event>, _ collected: WindowSupport.Collected<Event, [Event]>,
        watermarks: Watermarks<Event>? = watermarks(), clock: StreamClock<Event> = StreamClock(timestamp: { $0.time })
    ) -> Dataflow {
        let flow = Dataflow("stream")
        collected.attach(
            flow.input("events", source, watermarks: watermarks).keyOn("key", key).collectWindow(
                "collect", clock: clock, windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)))
        return flow
    }

    /// True once `sink` holds a closed window of `key` whose close is at `second` or later.
    static func closed(_ key: String, atOrAfter second: Double, in sink: TestingSink<(key: String, value: (window: WindowID, meta: WindowMetadata))>) -> Bool {
        sink.items.contains { $0.key == key && $0.value.meta.closeTime >= WindowSupport.at(second) }
    }

    static func windows(_ collected: WindowSupport.Collected<Event, [Event]>) -> [String: [String]] {
        var windows: [String: [String]] = [:]
        for item in collected.down.items { windows["\(item.key)#\(item.value.window)"] = item.value.value.map(\.label) }
        return windows
    }

    @Test(arguments: [1, 2, 3])
    func aQuietKeyClosesItsWindowWhenTheStreamMovesOn(workers: Int) throws {
        let collected = WindowSupport.Collected<Event, [Event]>()
        let meta = collected.meta
        let busy = (0..<30).map { Event(Double($0 + 2), "busy-\($0)") }
        // One partition, held open until the quiet key's window has closed.
        let source = WaitingSource<Event>(partitions: [[
            .items([Event(1, "quiet-0")] + busy),
            .waitUntil("the quiet key's window closes") { Self.closed("quiet", atOrAfter: 10, in: meta) },
        ]])
        try expectRunSucceeds(Self.flow(source, collected), configuration: RunConfiguration(workers: workers))
        #expect(source.waitsThatTimedOut.isEmpty)
        #expect(Self.windows(collected)["quiet#0"] == ["quiet-0"])
        #expect(collected.late.items.isEmpty)
    }

    @Test(arguments: [1, 2])
    func anIdlePartitionDoesNotHoldTheWatermarkBack(workers: Int) throws {
        let collected = WindowSupport.Collected<Event, [Event]>()
        let meta = collected.meta
        let done = Atomic<Bool>(false)
        let events = (0..<60).map { Event(Double($0), "k\($0 % 2)-\($0)") }
        let source = WaitingSource<Event>(partitions: [
            [
                .items(events),
                .waitUntil("windows close while p1 is open and empty") { Self.closed("k1", atOrAfter: 50, in: meta) },
                .perform { done.store(true, ordering: .releasing) },
            ],
            // Open and empty until p0 is through: idle after 200 ms.
            [.waitUntil("p0 is through") { done.load(ordering: .acquiring) }],
        ])
        try expectRunSucceeds(Self.flow(source, collected), configuration: RunConfiguration(workers: workers))
        #expect(source.waitsThatTimedOut.isEmpty)
        #expect(Self.windows(collected).count == 12)
    }

    @Test func aQuietStreamMovesItsWatermarkWithSystemTime() throws {
        let collected = WindowSupport.Collected<Event, [Event]>()
        let meta = collected.meta
        // The last event is at 99.5 s: the window [90, 100) closes only once
        // the (idle) partition's watermark has moved half a second further.
        let events = (0..<100).map { Event(Double($0) + 0.5, "k-\($0)") }
        let source = WaitingSource<Event>(partitions: [[
            .items(events),
            .waitUntil("the last window closes before the end") { Self.closed("k", atOrAfter: 100, in: meta) },
        ]])
        try expectRunSucceeds(Self.flow(source, collected), configuration: RunConfiguration(workers: 1))
        #expect(source.waitsThatTimedOut.isEmpty)
        #expect(Self.windows(collected).count == 10)
    }

    /// The largest event time of each partition is snapshotted with its
    /// position: after a resume, a new key's old item is late at once,
    /// because the restored watermark goes out before the first items.
    @Test func aResumedInputStartsFromItsPartitionsWatermark() throws {
        let store = InMemoryRecoveryStore()
        let step = StepID("stream.events")
        let snapshotted: @Sendable () -> Bool = {
            guard let bytes = try? store.resumePoint()?.states[step]?["p0#max-event-time"],
                let time = try? SnapshotCoding.decode(Date.self, from: bytes, step: step, key: "p0#max-event-time")
            else { return false }
            return time >= WindowSupport.at(45)
        }
        let source = WaitingSource<Event>(partitions: [[
            .items((0..<50).map { Event(Double($0), "a-\($0)") }),
            .waitUntil("a snapshot holds the partition's event time", snapshotted),
            .abort,
            .items([Event(2, "fresh-old")]),
        ]])
        var configuration = RunConfiguration(workers: 1)
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = store
        _ = try expectRunFails(Self.flow(source, WindowSupport.Collected()), configuration: configuration)
        let resumed = WindowSupport.Collected<Event, [Event]>()
        try expectRunSucceeds(Self.flow(source, resumed), configuration: configuration)
        #expect(source.waitsThatTimedOut.isEmpty)
        #expect(resumed.late.items.map(\.value.value.label) == ["fresh-old"])
    }

    @Test func aStreamClockWithoutWatermarksUpstreamIsRefusedNamingTheInput() throws {
        let flow = Self.flow(WaitingSource(partitions: [[]]), WindowSupport.Collected(), watermarks: nil)
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == StepID("stream.collect"))
        #expect("\(error)".contains("input 'stream.events' upstream declares no watermarks"))
    }

    @Test(arguments: [(-1.0, 1.0, "allowance must not be negative"), (0.0, 0.0, "idleAfter must be more than zero")])
    func badWatermarkSettingsAreRefusedNamingTheInput(setting: (allowance: Double, idle: Double, message: String)) throws {
        let watermarks = Watermarks<Event>(
            timestamp: { $0.time }, allowance: .seconds(setting.allowance), idleAfter: .seconds(setting.idle))
        let flow = Self.flow(WaitingSource(partitions: [[]]), WindowSupport.Collected(), watermarks: watermarks)
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == StepID("stream.events"))
        #expect("\(error)".contains(setting.message))
    }

    @Test func aThrowingTimestampGetterStopsTheRunNamingTheInputAndItem() throws {
        let watermarks = Watermarks<Event>(
            timestamp: { event in
                if event.label == "k-3" { throw Boom("no clock on k-3") }
                return event.time
            }, allowance: .zero)
        let source = WaitingSource<Event>(partitions: [[.items((0..<6).map { Event(Double($0), "k-\($0)") })]])
        let error = try expectRunFails(
            Self.flow(source, WindowSupport.Collected(), watermarks: watermarks), configuration: RunConfiguration(workers: 1))
        let text = "\(error)"
        #expect(error.step == StepID("stream.events"))
        #expect(text.contains("partition 'p0'") && text.contains("timestamp getter threw") && text.contains("boom: no clock on k-3"))
    }

    /// An event time days ahead (a broken device clock) does not move the
    /// watermark: the items after it are still on time, and the window step
    /// sends it to `late` as its clock says.
    @Test func aFarFutureTimestampDoesNotMoveTheWatermark() throws {
        let future = Event(Date().addingTimeInterval(3 * 86_400).timeIntervalSince(WindowSupport.origin), "k-future")
        var events = (0..<40).map { Event(Double($0), "k-\($0)") }
        events.insert(future, at: 10)
        let collected = WindowSupport.Collected<Event, [Event]>()
        let clock = StreamClock<Event>(timestamp: { $0.time }, onFutureTimestamp: .late)
        try expectRunSucceeds(
            Self.flow(WaitingSource(partitions: [[.items(events)]], batchSize: 3), collected, clock: clock),
            configuration: RunConfiguration(workers: 1))
        #expect(collected.late.items.map(\.value.value.label) == ["k-future"])
        #expect(Self.windows(collected).values.map(\.count).reduce(0, +) == 40)
    }

    /// `ordered: true` holds each item until the stream's watermark passes
    /// its time: items out of order within the allowance are collected in
    /// the order sorted ones are, on 1 and 2 workers.
    @Test(arguments: [1, 2])
    func orderedWindowsOnTheStreamWatermarkEqualSortedOnes(workers: Int) throws {
        let sorted = (0..<60).map { Event(Double($0) / 2, "k\($0 % 3)-\($0)") }
        var shuffled = sorted
        for index in stride(from: 0, to: shuffled.count - 3, by: 4) { shuffled.swapAt(index, index + 3) }  // 1.5 s back at most
        func windows(_ events: [Event], ordered: Bool) throws -> [String] {
            let flow = Dataflow("ordered_stream")
            let sink = TestingSink<String>()
            flow.input("events", WaitingSource(partitions: [[.items(events)]], batchSize: 2), watermarks: Self.watermarks(allowance: 2))
                .keyOn("key", Self.key)
                .collectWindow(
                    "collect", clock: StreamClock(timestamp: { $0.time }),
                    windower: TumblingWindower(length: .seconds(5), alignTo: WindowSupport.origin), ordered: ordered)
                .down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value.map(\.label))" }
                .output("out", sink)
            try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers))
            return sink.items.sorted()
        }
        let expected = try windows(sorted, ordered: true)
        #expect(try windows(shuffled, ordered: true) == expected)
        #expect(try windows(shuffled, ordered: false) != expected, "unordered, the shuffled items keep their arrival order")
        #expect(expected.count == 18)
    }

    /// `joinWindow` with a `StreamClock` needs watermarks on both inputs; with
    /// them, a key's window closes when either side moves the stream on.
    @Test func aWindowJoinOnTheStreamWatermarkNeedsWatermarksOnBothInputs() throws {
        typealias Side = JoinSide<Event, Event>
        func flow(rightWatermarks: Bool, rows: TestingSink<String>) -> Dataflow {
            let flow = Dataflow("stream_join")
            let aClosed: @Sendable () -> Bool = { rows.items.contains { $0.hasPrefix("a#0=") } }
            let lefts = flow.input(
                "lefts", WaitingSource(partitions: [[.items([Event(1, "a-l1"), Event(2, "b-l1")])]]),
                watermarks: Self.watermarks())
                .keyOn("key_left") { String($0.label.prefix(1)) }
            let rights = flow.input(
                "rights",
                WaitingSource(partitions: [[
                    .items([Event(3, "a-r1"), Event(40, "c-r1")]),
                    .waitUntil("a's window closed", aClosed),
                    .items([Event(4, "b-r1")]),
                ]]),
                watermarks: rightWatermarks ? Self.watermarks() : nil)
                .keyOn("key_right") { String($0.label.prefix(1)) }
            lefts.joinWindow(
                "join", rights, clock: StreamClock<Side>(timestamp: { $0.either(left: \.time, right: \.time) }),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
                .down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value.left?.label ?? "-")|\($0.value.value.right?.label ?? "-")" }
                .output("rows", rows)
            return flow
        }
        let refused = try #require(throws: DataflowError.self) { try flow(rightWatermarks: false, rows: TestingSink()).validate() }
        #expect(refused.step == StepID("stream_join.join.window"))
        #expect("\(refused)".contains("input 'stream_join.rights' upstream declares no watermarks"))

        let rows = TestingSink<String>()
        try expectRunSucceeds(flow(rightWatermarks: true, rows: rows), configuration: RunConfiguration(workers: 1))
        // b-r1 (4 s) comes once a's window has closed: the right input's
        // c-r1 (40 s) moved the stream past b's window too.
        #expect(rows.items.sorted() == ["a#0=a-l1|a-r1", "b#0=b-l1|-", "c#4=-|c-r1"])
    }
}
