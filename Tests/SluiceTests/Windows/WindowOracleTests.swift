import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// The windowing operators against a naive reference on generated event
/// streams: several keys, items out of order within and beyond the allowance,
/// on 1, 2 and 3 workers, and across an abort and resume.
@Suite struct WindowOracleTests {
    typealias Event = WindowSupport.Event

    /// A deterministic pseudo-random generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// Events of `keyCount` keys whose times mostly rise, some jittered back
    /// by up to 4 s (within a 3 s allowance or beyond it), some far back (late).
    /// Labels are unique, so each event is recognisable.
    static func events(seed: UInt64, count: Int, keyCount: Int) -> [Event] {
        var random = Generator(state: seed)
        var clocks = [Double](repeating: 0, count: keyCount)
        return (0..<count).map { index in
            let key = random.next(keyCount)
            clocks[key] += Double(random.next(3))  // 0, 1 or 2 s forward; equal times happen
            var second = clocks[key]
            switch random.next(10) {
            case 0: second -= Double(1 + random.next(4))  // jitter back 1-4 s
            case 1: second -= 20  // far back: late for any allowance here
            default: break
            }
            return Event(second, "k\(key)-\(index)")
        }
    }

    static func key(of event: Event) -> String { String(event.label.prefix { $0 != "-" }) }

    /// What a reference run gives per key: for fixed windows, window id → labels;
    /// late labels with their window ids.
    struct Reference {
        var windows: [String: [WindowID: [String]]] = [:]
        var late: [String: [(WindowID, String)]] = [:]
        var sessions: [String: [[String]]] = [:]
    }

    /// Naive fixed-window reference: per key, in arrival order, the watermark is
    /// the largest time so far minus the allowance; an item is late for each
    /// window containing it whose close is at or before the watermark.
    static func referenceFixed(_ events: [Event], length: Double, offset: Double, allowance: Double) -> Reference {
        var reference = Reference()
        var maxTime: [String: Double] = [:]
        for event in events {
            let key = key(of: event)
            let newest = max(maxTime[key] ?? event.second, event.second)
            maxTime[key] = newest
            let watermark = newest - allowance
            for index in Int((event.second - 2 * length) / offset)...Int(event.second / offset + 2) {
                let open = Double(index) * offset
                guard open <= event.second, event.second < open + length else { continue }
                if open + length <= watermark {
                    reference.late[key, default: []].append((WindowID(index), event.label))
                } else {
                    reference.windows[key, default: [:]][WindowID(index), default: []].append(event.label)
                }
            }
        }
        return reference
    }

    /// Naive session reference: an item is late if its time is before the
    /// watermark; the on-time items, sorted by time, split where the gap
    /// between neighbours exceeds `gap`.
    static func referenceSessions(_ events: [Event], gap: Double, allowance: Double) -> Reference {
        var reference = Reference()
        var maxTime: [String: Double] = [:]
        var onTime: [String: [Event]] = [:]
        for event in events {
            let key = key(of: event)
            let newest = max(maxTime[key] ?? event.second, event.second)
            maxTime[key] = newest
            if event.second < newest - allowance {
                reference.late[key, default: []].append((.unassigned, event.label))
            } else {
                onTime[key, default: []].append(event)
            }
        }
        for (key, items) in onTime {
            var sessions: [[Event]] = []
            for event in items.sorted(by: { $0.second < $1.second }) {
                if let last = sessions.last?.last, event.second - last.second <= gap {
                    sessions[sessions.count - 1].append(event)
                } else {
                    sessions.append([event])
                }
            }
            reference.sessions[key] = sessions.map { $0.map(\.label).sorted() }
        }
        return reference
    }

    /// One source partition per key group, so each key's items keep their order
    /// whatever the worker count.
    static func source(_ events: [Event], partitions: Int) -> TestingSource<Event> {
        var parts = [[Event]](repeating: [], count: partitions)
        for event in events { parts[Int(key(of: event).dropFirst())! % partitions].append(event) }
        return TestingSource(partitions: parts, batchSize: 7)
    }

    static let allowance = 3.0

    @Test(arguments: [1, 2, 3], [(10.0, 10.0), (10.0, 4.0)])
    func fixedWindowsMatchTheReference(workers: Int, shape: (length: Double, offset: Double)) throws {
        let events = Self.events(seed: 11, count: 1500, keyCount: 7)
        let out = try WindowSupport.run(Self.source(events, partitions: 3), workers: workers, key: Self.key) { keyed in
            keyed.collectWindow(
                "collect", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                windower: SlidingWindower(
                    length: .seconds(shape.length), offset: .seconds(shape.offset), alignTo: WindowSupport.origin))
        }
        let expected = Self.referenceFixed(events, length: shape.length, offset: shape.offset, allowance: Self.allowance)
        var windows: [String: [WindowID: [String]]] = [:]
        for item in out.down.items {
            #expect(windows[item.key]?[item.value.window] == nil, "window \(item.value.window) of \(item.key) emitted twice")
            windows[item.key, default: [:]][item.value.window] = item.value.value.map(\.label)
        }
        #expect(windows == expected.windows)
        let late = Dictionary(grouping: out.late.items, by: \.key).mapValues { $0.map { "\($0.value.window):\($0.value.value.label)" } }
        #expect(late == expected.late.mapValues { $0.map { "\($0.0):\($0.1)" } })
        #expect(!expected.late.isEmpty, "the generated stream has late items")
        // One metadata record per emitted window, with its bounds.
        #expect(out.meta.items.count == out.down.items.count)
        for item in out.meta.items {
            let open = WindowSupport.at(Double(item.value.window.rawValue) * shape.offset)
            #expect(item.value.meta == WindowMetadata(openTime: open, closeTime: open.addingTimeInterval(shape.length)))
        }
    }

    @Test(arguments: [1, 2, 3])
    func sessionsMatchTheReference(workers: Int) throws {
        let events = Self.events(seed: 29, count: 1500, keyCount: 5)
        let out = try WindowSupport.run(Self.source(events, partitions: 2), workers: workers, key: Self.key) { keyed in
            keyed.collectWindow(
                "sessions", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                windower: SessionWindower(gap: .seconds(1.5)))
        }
        let expected = Self.referenceSessions(events, gap: 1.5, allowance: Self.allowance)
        let sessions = Dictionary(grouping: out.down.items, by: \.key).mapValues { items in
            items.map { $0.value.value.map(\.label).sorted() }.sorted { $0.first! < $1.first! }
        }
        #expect(sessions == expected.sessions.mapValues { $0.sorted { $0.first! < $1.first! } })
        let late = Dictionary(grouping: out.late.items, by: \.key).mapValues { $0.map(\.value.value.label) }
        #expect(late == expected.late.mapValues { $0.map(\.1) })
        #expect(sessions.values.map(\.count).reduce(0, +) > 20, "the stream makes many sessions")
    }

    @Test(arguments: [(1, 1), (2, 3), (3, 2)], [150, 700])
    func abortAndResumeClosesTheSameWindows(workers: (first: Int, second: Int), abortAfter: Int) throws {
        let events = Self.events(seed: 5, count: 1000, keyCount: 6)
        var script = events.map(TestingSource<Event>.Event.item)
        script.insert(.abort, at: abortAfter)
        let source = TestingSource(events: script, batchSize: 5)
        let store = InMemoryRecoveryStore()
        let flow = { (collected: WindowSupport.Collected<Event, Int>) -> Dataflow in
            let flow = Dataflow("windows")
            collected.attach(
                flow.input("events", source).keyOn("key", Self.key).countWindow(
                    "count", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                    windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)))
            return flow
        }
        var configuration = RunConfiguration(workers: workers.first)
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = store
        let first = WindowSupport.Collected<Event, Int>()
        _ = try expectRunFails(flow(first), configuration: configuration)

        configuration.workers = workers.second
        let second = WindowSupport.Collected<Event, Int>()
        try expectRunSucceeds(flow(second), configuration: configuration)

        // Windows closed before the resume epoch may come out again (at-least-
        // once output), but every window has one count, the reference's.
        var counts: [String: Int] = [:]
        for item in first.down.items + second.down.items {
            let name = "\(item.key)#\(item.value.window)"
            if let seen = counts[name] { #expect(seen == item.value.value, "\(name) closed with two counts") }
            counts[name] = item.value.value
        }
        let expected = Self.referenceFixed(events, length: 10, offset: 10, allowance: Self.allowance)
        var expectedCounts: [String: Int] = [:]
        for (key, windows) in expected.windows {
            for (id, labels) in windows { expectedCounts["\(key)#\(id)"] = labels.count }
        }
        #expect(counts == expectedCounts)
        let late = Set((first.late.items + second.late.items).map(\.value.value.label))
        #expect(late == Set(expected.late.values.flatMap { $0.map(\.1) }))
    }

    /// Across processes (a cluster in this process, over TCP): the same
    /// windows and late items as one worker, with `ordered` and a join too.
    @Test func aClusterClosesTheSameWindowsAsOneWorker() throws {
        let events = Self.events(seed: 17, count: 800, keyCount: 6)
        func flow(_ collected: WindowSupport.Collected<Event, [Event]>, joined: TestingSink<String>) -> Dataflow {
            let flow = Dataflow("windows")
            let keyed = flow.input("events", Self.source(events, partitions: 3)).keyOn("key", Self.key)
            collected.attach(
                keyed.collectWindow(
                    "collect", clock: WindowSupport.eventClock(wait: .seconds(Self.allowance)),
                    windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin), ordered: true))
            let clock = EventClock<JoinSide<Event, Event>>(
                timestamp: { $0.either(left: \.time, right: \.time) }, waitForSystemDuration: .seconds(1000),
                now: WindowSupport.frozenNow)
            keyed.joinWindow("join", keyed.mapValue("copy") { $0 }, clock: clock, windower: SessionWindower(gap: .seconds(2)))
                .down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value.left?.label ?? "-")|\($0.value.value.right?.label ?? "-")" }
                .output("joined", joined)
            return flow
        }
        let single = WindowSupport.Collected<Event, [Event]>()
        let singleJoined = TestingSink<String>()
        try expectRunSucceeds(flow(single, joined: singleJoined), configuration: RunConfiguration(workers: 1))
        let clustered = WindowSupport.Collected<Event, [Event]>()
        let clusteredJoined = TestingSink<String>()
        try spawnCluster(flow(clustered, joined: clusteredJoined), processes: 2, workersPerProcess: 2)

        func windows(_ collected: WindowSupport.Collected<Event, [Event]>) -> [String] {
            collected.down.items.map { "\($0.key)#\($0.value.window)=\($0.value.value.map(\.label))" }.sorted()
        }
        #expect(windows(clustered) == windows(single))
        #expect(clustered.late.items.map(\.value.value.label).sorted() == single.late.items.map(\.value.value.label).sorted())
        #expect(!single.late.items.isEmpty && single.down.items.count > 50)
        #expect(clusteredJoined.items.sorted() == singleJoined.items.sorted())
        #expect(singleJoined.items.count > 20)
    }
}
