import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// The `ordered` option: items shuffled within the clock's allowance give
/// the same windows, in the same order inside each window, as sorted items;
/// held items survive an abort and resume.
@Suite struct OrderedWindowTests {
    typealias Event = WindowSupport.Event

    static let allowance = 5.0

    /// Per key, events every 0.5 s with a 3 s pause every 13 events (so
    /// sessions with a 2 s gap split there); sorted by time per key.
    static func sorted(keyCount: Int, perKey: Int) -> [Event] {
        var events: [Event] = []
        for index in 0..<perKey {
            for key in 0..<keyCount {
                let second = Double(index) * 0.5 + Double(index / 13) * 3
                events.append(Event(second, "k\(key)-\(index)"))
            }
        }
        return events
    }

    /// The same events shuffled inside blocks of 12 consecutive ones (3 or 4
    /// per key, at most 4.5 s apart with a pause: within the 5 s allowance).
    static func shuffled(_ events: [Event], seed: UInt64) -> [Event] {
        var random = WindowOracleTests.Generator(state: seed)
        var result: [Event] = []
        var index = 0
        while index < events.count {
            var block = Array(events[index..<min(index + 12, events.count)])
            for position in stride(from: block.count - 1, to: 0, by: -1) {
                block.swapAt(position, random.next(position + 1))
            }
            result += block
            index += 12
        }
        return result
    }

    static func key(of event: Event) -> String { String(event.label.prefix { $0 != "-" }) }

    /// One partition per key group, so each key's items keep the given order.
    static func source(_ events: [Event], partitions: Int = 2) -> TestingSource<Event> {
        var parts = [[Event]](repeating: [], count: partitions)
        for event in events { parts[Int(key(of: event).dropFirst())! % partitions].append(event) }
        return TestingSource(partitions: parts, batchSize: 5)
    }

    /// "key#window=labels" per emitted window, sorted.
    static func collect(
        _ events: [Event], workers: Int, windower: some Windower, ordered: Bool
    ) throws -> (windows: [String], late: Int) {
        let out = try WindowSupport.run(Self.source(events), workers: workers, key: Self.key) { keyed in
            keyed.collectWindow(
                "collect", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)), windower: windower,
                ordered: ordered)
        }
        let windows = out.down.items.map { "\($0.key)#\($0.value.window)=\($0.value.value.map(\.label))" }.sorted()
        return (windows, out.late.items.count)
    }

    @Test(arguments: [1, 2, 3])
    func shuffledTumblingWindowsEqualSortedOnes(workers: Int) throws {
        let sorted = Self.sorted(keyCount: 4, perKey: 120)
        let shuffled = Self.shuffled(sorted, seed: 3)
        let windower = TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
        let expected = try Self.collect(sorted, workers: workers, windower: windower, ordered: false)
        let got = try Self.collect(shuffled, workers: workers, windower: windower, ordered: true)
        #expect(got.windows == expected.windows)
        #expect(got.late == 0 && expected.late == 0)
        let unordered = try Self.collect(shuffled, workers: workers, windower: windower, ordered: false)
        #expect(unordered.windows != expected.windows, "without `ordered` the shuffle shows (the test can fail)")
    }

    @Test(arguments: [1, 2, 3])
    func shuffledSessionsEqualSortedOnes(workers: Int) throws {
        let sorted = Self.sorted(keyCount: 3, perKey: 100)
        let shuffled = Self.shuffled(sorted, seed: 8)
        let windower = SessionWindower(gap: .seconds(2))
        let expected = try Self.collect(sorted, workers: workers, windower: windower, ordered: false)
        let got = try Self.collect(shuffled, workers: workers, windower: windower, ordered: true)
        #expect(got.windows == expected.windows, "same sessions, same ids, same order inside")
        #expect(expected.windows.count == 3 * 8, "100 events with a pause every 13 make 8 sessions per key")
        let unordered = try Self.collect(shuffled, workers: workers, windower: windower, ordered: false)
        #expect(unordered.windows != expected.windows)
    }

    @Test func itemsBeyondTheAllowanceAreStillLate() throws {
        // 30 s, then 10 s: 20 s back, beyond the 5 s allowance -> late for window 1.
        let events = [Event(30, "k0-a"), Event(10, "k0-b"), Event(31, "k0-c")]
        let out = try WindowSupport.run(TestingSource(events), key: Self.key) { keyed in
            keyed.collectWindow(
                "collect", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin), ordered: true)
        }
        #expect(out.late.items.map { "\($0.value.window):\($0.value.value.label)" } == ["1:k0-b"])
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["k0-a", "k0-c"]])
    }

    @Test(arguments: [(1, 1), (2, 3)], [40, 230])
    func heldItemsSurviveAnAbortAndResume(workers: (first: Int, second: Int), abortAfter: Int) throws {
        let sorted = Self.sorted(keyCount: 3, perKey: 100)
        let shuffled = Self.shuffled(sorted, seed: 21)
        var script = shuffled.map(TestingSource<Event>.Event.item)
        script.insert(.abort, at: abortAfter)
        let source = TestingSource(events: script, batchSize: 4)
        let store = InMemoryRecoveryStore()
        let flow = { (collected: WindowSupport.Collected<Event, [Event]>) -> Dataflow in
            let flow = Dataflow("ordered")
            collected.attach(
                flow.input("events", source).keyOn("key", Self.key).collectWindow(
                    "collect", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                    windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin), ordered: true))
            return flow
        }
        var configuration = RunConfiguration(workers: workers.first)
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = store
        let first = WindowSupport.Collected<Event, [Event]>()
        _ = try expectRunFails(flow(first), configuration: configuration)
        configuration.workers = workers.second
        let second = WindowSupport.Collected<Event, [Event]>()
        try expectRunSucceeds(flow(second), configuration: configuration)

        // A window closed before the resume epoch may come out twice, identically.
        var windows: [String: [String]] = [:]
        for item in first.down.items + second.down.items {
            let name = "\(item.key)#\(item.value.window)"
            let labels = item.value.value.map(\.label)
            if let seen = windows[name] { #expect(seen == labels, "\(name) closed with two contents") }
            windows[name] = labels
        }
        let expected = try Self.collect(sorted, workers: 1, windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin), ordered: false)
        #expect(windows.map { "\($0.key)=\($0.value)" }.sorted() == expected.windows)
        #expect(first.late.items.isEmpty && second.late.items.isEmpty)
    }
}
