import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Windows on the stream's watermark against a naive reference, on 1, 2 and
/// 3 workers, a 2×2 cluster, and across an abort and resume.
///
/// The generated stream has four data partitions and two idle ones (open
/// and empty until the end). In phase A every data partition sends events
/// of six keys out of order within the allowance of its own latest event, so
/// none can be late whatever the interleaving; the last partition ends
/// phase A far ahead (400 s). Phase A windows can only close once the idle
/// partitions are detected as idle and the other data partitions have ended.
/// The last partition then waits until, in this run, every key has closed
/// a window at 250 s or later, and sends phase B: events far behind (before
/// 200 s), which are late for certain. So the expected output does not
/// depend on timing: the reference windows of phase A, and phase B as late.
@Suite struct StreamWatermarkOracleTests {
    typealias Event = WindowSupport.Event
    typealias Step = WaitingSource<Event>.Step
    typealias MetaSink = TestingSink<(key: String, value: (window: WindowID, meta: WindowMetadata))>

    /// The meta sink of the run in progress, which phase B waits on.
    final class CurrentMeta: Sendable {
        private let sink = Mutex<MetaSink?>(nil)
        func set(_ meta: MetaSink) { sink.withLock { $0 = meta } }
        var items: [(key: String, value: (window: WindowID, meta: WindowMetadata))] { sink.withLock { $0 }?.items ?? [] }
    }

    static let allowance = 5.0
    static let keys = 6

    /// Phase A of each data partition and phase B of the last one.
    struct Stream {
        var phaseA: [[Event]] = []
        var phaseB: [Event] = []
    }

    static func stream(seed: UInt64) -> Stream {
        var random = WindowOracleTests.Generator(state: seed)
        var stream = Stream()
        var label = 0
        func event(_ second: Double, key: Int) -> Event {
            defer { label += 1 }
            return Event(second, "k\(key)-\(label)")
        }
        for _ in 0..<4 {
            var clock = 0.0
            var events: [Event] = []
            while clock < 300 {
                clock += Double(random.next(3))  // 0, 1 or 2 s forward
                events.append(event(max(0, clock - Double(random.next(3))), key: random.next(keys)))  // up to 2 s back
            }
            stream.phaseA.append(events)
        }
        stream.phaseA[3].append(event(400, key: 0))
        stream.phaseB = (0..<40).map { _ in event(Double(random.next(200)), key: random.next(keys)) }
        return stream
    }

    static func key(of event: Event) -> String { String(event.label.prefix { $0 != "-" }) }

    /// Phase A grouped per key and 10 s window, labels in arrival order per partition, sorted.
    static func referenceWindows(_ stream: Stream) -> [String: [String]] {
        var windows: [String: [String]] = [:]
        for event in stream.phaseA.joined() {
            windows["\(key(of: event))#\(Int((event.second / 10).rounded(.down)))", default: []].append(event.label)
        }
        return windows.mapValues { $0.sorted() }
    }

    /// The source playing `stream`; phase B waits for the meta sink that
    /// `currentMeta` holds (the current run's). `abortAt` puts an abort in
    /// partition 0 after that many of its events.
    static func source(_ stream: Stream, currentMeta: CurrentMeta, abortAt: Int? = nil) -> WaitingSource<Event> {
        let done = Atomic<Bool>(false)
        var partitions: [[Step]] = stream.phaseA.prefix(3).map { [.items($0)] }
        if let abortAt {
            let events = stream.phaseA[0]
            partitions[0] = [.items(Array(events[..<abortAt])), .abort, .items(Array(events[abortAt...]))]
        }
        partitions.append([
            .items(stream.phaseA[3]),
            .waitUntil("every key closes a window at 250 s or later in this run") {
                let closing = Set(currentMeta.items.filter { $0.value.meta.closeTime >= WindowSupport.at(250) }.map(\.key))
                return closing.count == keys
            },
            .items(stream.phaseB),
            .perform { done.store(true, ordering: .releasing) },
        ])
        let idle: [Step] = [.waitUntil("the last partition is through") { done.load(ordering: .acquiring) }]
        return WaitingSource(partitions: partitions + [idle, idle], batchSize: 4)
    }

    static func flow(_ source: WaitingSource<Event>, _ collected: WindowSupport.Collected<Event, [Event]>) -> Dataflow {
        let flow = Dataflow("oracle")
        let watermarks = Watermarks<Event>(
            timestamp: { $0.time }, allowance: .seconds(allowance), idleAfter: .milliseconds(200))
        collected.attach(
            flow.input("events", source, watermarks: watermarks).keyOn("key", key).collectWindow(
                "collect", clock: StreamClock(timestamp: { $0.time }),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)))
        return flow
    }

    /// Checks what runs emitted against the reference: each window once (or
    /// again with the same contents, after a resume), phase B all late.
    static func expectMatches(_ runs: [WindowSupport.Collected<Event, [Event]>], _ stream: Stream) {
        var windows: [String: [String]] = [:]
        for item in runs.flatMap(\.down.items) {
            let name = "\(item.key)#\(item.value.window)"
            let labels = item.value.value.map(\.label).sorted()
            if let seen = windows[name] { #expect(seen == labels, "\(name) closed with two different contents") }
            windows[name] = labels
        }
        #expect(windows == referenceWindows(stream))
        let late = Set(runs.flatMap(\.late.items).map { "\($0.key)#\($0.value.window):\($0.value.value.label)" })
        let expectedLate = Set(stream.phaseB.map { "\(key(of: $0))#\(Int(($0.second / 10).rounded(.down))):\($0.label)" })
        #expect(late == expectedLate)
        let closed = Set(runs.flatMap(\.meta.items).map { "\($0.key)#\($0.value.window)" })
        #expect(closed == Set(windows.keys))
    }

    @Test(arguments: [1, 2, 3])
    func windowsOnTheStreamWatermarkMatchTheReference(workers: Int) throws {
        let stream = Self.stream(seed: 41)
        let currentMeta = CurrentMeta()
        let source = Self.source(stream, currentMeta: currentMeta)
        let collected = WindowSupport.Collected<Event, [Event]>()
        currentMeta.set(collected.meta)
        try expectRunSucceeds(Self.flow(source, collected), configuration: RunConfiguration(workers: workers))
        #expect(source.waitsThatTimedOut.isEmpty)
        Self.expectMatches([collected], stream)
        #expect(Self.referenceWindows(stream).count > 150)
    }

    @Test func aClusterMergesTheWatermarkAcrossProcesses() throws {
        let stream = Self.stream(seed: 43)
        let currentMeta = CurrentMeta()
        let source = Self.source(stream, currentMeta: currentMeta)
        let collected = WindowSupport.Collected<Event, [Event]>()
        currentMeta.set(collected.meta)
        try spawnCluster(Self.flow(source, collected), processes: 2, workersPerProcess: 2)
        #expect(source.waitsThatTimedOut.isEmpty)
        Self.expectMatches([collected], stream)
    }

    /// The abort comes early in partition 0, so the first run closes only
    /// early windows; the resumed run restores open windows, keys' and
    /// partitions' watermarks, and closes the rest.
    @Test(arguments: [(1, 1), (2, 3), (3, 2)])
    func anAbortAndResumeClosesTheSameWindows(workers: (first: Int, second: Int)) throws {
        let stream = Self.stream(seed: 47)
        let currentMeta = CurrentMeta()
        let source = Self.source(stream, currentMeta: currentMeta, abortAt: 30)
        var configuration = RunConfiguration(workers: workers.first)
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = InMemoryRecoveryStore()
        let first = WindowSupport.Collected<Event, [Event]>()
        currentMeta.set(first.meta)
        _ = try expectRunFails(Self.flow(source, first), configuration: configuration)

        configuration.workers = workers.second
        let second = WindowSupport.Collected<Event, [Event]>()
        currentMeta.set(second.meta)
        try expectRunSucceeds(Self.flow(source, second), configuration: configuration)
        #expect(source.waitsThatTimedOut.isEmpty)
        Self.expectMatches([first, second], stream)
    }
}
