import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// A stop with a recovery store suspends: nothing is flushed as if the input
/// had ended, open windows, `collect` buffers, join state and `…Final` state
/// go into the snapshot, and the next run continues them. So a run stopped and resumed any number of times
/// (with any worker counts, alone or as a cluster) emits exactly what an
/// uninterrupted run emits: every window and every total once.
@Suite struct StopSuspendTests {
    typealias Event = WindowSupport.Event

    /// Four partitions of timed events; each key lives in one partition, so
    /// what every step emits does not depend on how partitions interleave.
    static let partitions: [[Event]] = (0..<4).map { partition in
        var second = 0.0
        return (0..<60).map { index in
            second += Double((index * 7 + partition) % 3 + 1)
            return Event(second, "k\(partition)-\(index % 3)")
        }
    }

    /// Counts per 10 s window, totals at the end of input, running counts,
    /// batches of 4 (`collect`) and a final join.
    static func makeFlow(_ source: PausingSource, into sink: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("suspend")
        let keyed = flow.input("events", source).keyOn("key") { $0.label }
        keyed.countWindow(
            "per_window", clock: WindowSupport.eventClock(),
            windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
        ).down
            .map("format_window") { "window \($0.key)#\($0.value.window)=\($0.value.value)" }
            .output("windows_out", sink)
        keyed.foldFinal("total", initial: { 0 }) { count, _ in count + 1 }
            .map("format_total") { "total \($0.key)=\($0.value)" }
            .output("totals_out", sink)
        keyed.statefulMap("running") { (count: Int?, _: Event) in ((count ?? 0) + 1, (count ?? 0) + 1) }
            .map("format_running") { "running \($0.key)=\($0.value)" }
            .output("running_out", sink)
        // Batches of 4 (the rest at the end of input): a drain would emit a short batch at each stop.
        keyed.mapValue("second") { $0.second }
            .collect("batches", timeout: .seconds(3600), maxSize: 4)
            .map("format_batch") { "batch \($0.key)=\($0.value)" }
            .output("batches_out", sink)
        // Each key's last even and last odd second, joined at the end of input.
        let evens = keyed.filterValue("evens") { Int($0.second) % 2 == 0 }.mapValue("even_second") { $0.second }
        let odds = keyed.filterValue("odds") { Int($0.second) % 2 == 1 }.mapValue("odd_second") { $0.second }
        evens.join("last_even_odd", odds, insertMode: .last, emitMode: .final)
            .map("format_join") { "join \($0.key)=\($0.value.left ?? -1)/\($0.value.right ?? -1)" }
            .output("joins_out", sink)
        return flow
    }

    /// What one uninterrupted run emits.
    static let uninterrupted: [String] = {
        let sink = TestingSink<String>()
        let flow = makeFlow(PausingSource(partitions: partitions, pauseAt: nil, paused: PauseCounter(partitions: 4)), into: sink)
        try! run(flow, workers: 1)
        return sink.items.sorted()
    }()

    /// Checks the union of every run's output against one uninterrupted run,
    /// naming what is missing and what is extra (windows or totals emitted twice).
    static func expectUninterrupted(_ items: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        var counts: [String: Int] = [:]
        for item in items { counts[item, default: 0] += 1 }
        for item in uninterrupted { counts[item, default: 0] -= 1 }
        let extra = counts.filter { $0.value > 0 }.keys.sorted()
        let missing = counts.filter { $0.value < 0 }.keys.sorted()
        #expect(
            extra.isEmpty && missing.isEmpty,
            "\(extra.count) extra, e.g. \(extra.prefix(6)); \(missing.count) missing, e.g. \(missing.prefix(6))",
            sourceLocation: sourceLocation)
    }

    /// The last run, to the end of the input; then the union of every run's
    /// output must be what one uninterrupted run emits.
    static func finishAndCompare(
        directory: String, workers: Int, sink: TestingSink<String>, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let last = makeFlow(PausingSource(partitions: partitions, pauseAt: nil, paused: PauseCounter(partitions: 4)), into: sink)
        var configuration = RunConfiguration(workers: workers)
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory, flowID: last.id)
        try expectRunSucceeds(last, configuration: configuration, sourceLocation: sourceLocation)
        expectUninterrupted(sink.items, sourceLocation: sourceLocation)
    }

    /// Pause points of `stops` stops, spread over the input and differing per partition.
    static func pausePoints(stops: Int) -> [[Int]] {
        (1...stops).map { stop in (0..<4).map { partition in min(59, stop * 60 / (stops + 1) + partition) } }
    }

    @Test(arguments: [(1, 1), (2, 2), (10, 1), (2, 3)])
    func stoppedAndResumedRunsEmitWhatOneRunEmits(stops: Int, workers: Int) throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let sink = TestingSink<String>()
            for (index, pause) in Self.pausePoints(stops: stops).enumerated() {
                let counter = PauseCounter(partitions: 4)
                let flow = Self.makeFlow(PausingSource(partitions: Self.partitions, pauseAt: pause, paused: counter), into: sink)
                var configuration = RunConfiguration(workers: [workers, workers % 3 + 1, (workers + 1) % 3 + 1][index % 3])
                configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
                let stop = StopSignal()
                configuration.stopSignal = stop
                stopOnceAllPaused(counter, stop)
                try expectRunSucceeds(flow, configuration: configuration)
                #expect(!counter.allPaused.timedOut, "stop \(index + 1): the partitions never all paused")
                // Suspended, not ended: no total may have been emitted yet.
                #expect(sink.items.allSatisfy { !$0.hasPrefix("total") && !$0.hasPrefix("join") }, "stop \(index + 1) flushed the totals")
            }
            try Self.finishAndCompare(directory: directory.path, workers: workers, sink: sink)
        }
    }

    @Test func aStoppedClusterSuspendsAndResumesExactly() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let sink = TestingSink<String>()
            for pause in Self.pausePoints(stops: 2) {
                let counter = PauseCounter(partitions: 4)
                let flows = (0..<2).map { _ in
                    Self.makeFlow(PausingSource(partitions: Self.partitions, pauseAt: pause, paused: counter), into: sink)
                }
                let stop = StopSignal()
                var configurations: [RunConfiguration] = []
                for _ in 0..<2 {
                    var configuration = RunConfiguration(workers: 2)
                    configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: "suspend")
                    configurations.append(configuration)
                }
                configurations[1].stopSignal = stop  // one member is asked; both suspend
                stopOnceAllPaused(counter, stop)
                let outcomes = try runClusterMembers(flows, configurations: configurations)
                for (member, outcome) in outcomes.enumerated() {
                    #expect(outcome.failure == nil, "member \(member): \(String(describing: outcome.failure))")
                }
                #expect(sink.items.allSatisfy { !$0.hasPrefix("total") && !$0.hasPrefix("join") }, "a suspended cluster flushed the totals")
            }
            try Self.finishAndCompare(directory: directory.path, workers: 3, sink: sink)
        }
    }

    /// An event-time clock moves its watermark with system time while no
    /// newer item comes. The time a run is stopped (or down) must not count:
    /// the items that waited in the source meanwhile are not late because of
    /// it, and windows open at the stop get them.
    @Test func downtimeBetweenRunsDoesNotMakeWaitingItemsLate() throws {
        let time = AdjustableTime()
        func makeFlow(_ source: PausingSource, into sink: TestingSink<String>) -> Dataflow {
            let flow = Dataflow("downtime")
            flow.input("events", source).keyOn("key") { $0.label }
                .countWindow(
                    "per_window", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .seconds(2), now: time.now),
                    windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
                ).down
                .map("format") { "window \($0.key)#\($0.value.window)=\($0.value.value)" }
                .output("out", sink)
            return flow
        }
        let expected = TestingSink<String>()
        try run(makeFlow(PausingSource(partitions: Self.partitions, pauseAt: nil, paused: PauseCounter(partitions: 4)), into: expected), workers: 1)
        try OpsSupport.withTemporaryDirectory { directory in
            let sink = TestingSink<String>()
            for pause in Self.pausePoints(stops: 2) {
                let counter = PauseCounter(partitions: 4)
                let flow = makeFlow(PausingSource(partitions: Self.partitions, pauseAt: pause, paused: counter), into: sink)
                var configuration = RunConfiguration(workers: 2)
                configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
                let stop = StopSignal()
                configuration.stopSignal = stop
                stopOnceAllPaused(counter, stop)
                try expectRunSucceeds(flow, configuration: configuration)
                time.advance(by: 1_000)  // the process is down for a while
            }
            let last = makeFlow(PausingSource(partitions: Self.partitions, pauseAt: nil, paused: PauseCounter(partitions: 4)), into: sink)
            var configuration = RunConfiguration(workers: 2)
            configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: last.id)
            try expectRunSucceeds(last, configuration: configuration)
            #expect(sink.items.sorted() == expected.items.sorted(), "windows differ from one uninterrupted run's")
        }
    }

    @Test func aDrainingStopFlushesWhatItHolds() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let sink = TestingSink<String>()
            let counter = PauseCounter(partitions: 4)
            let flow = Self.makeFlow(PausingSource(partitions: Self.partitions, pauseAt: [30, 30, 30, 30], paused: counter), into: sink)
            var configuration = RunConfiguration(workers: 2)
            configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
            let stop = StopSignal()
            configuration.stopSignal = stop
            stopOnceAllPaused(counter, stop, draining: true)
            try expectRunSucceeds(flow, configuration: configuration)
            // Ended as if the input were exhausted: the totals of what was read.
            #expect(sink.items.filter { $0.hasPrefix("total") }.sorted() == (0..<4).flatMap { partition in
                (0..<3).map { "total k\(partition)-\($0)=10" }
            }.sorted())
        }
    }
}

/// A system time that only moves when a test says so.
final class AdjustableTime: Sendable {
    private let offset = Mutex<Double>(0)
    /// `WindowSupport.frozenNow()` plus every `advance`.
    @Sendable func now() -> Date { WindowSupport.frozenNow().addingTimeInterval(offset.withLock { $0 }) }
    /// Moves the time forward.
    func advance(by seconds: Double) { offset.withLock { $0 += seconds } }
}

/// Requests `stop` from another thread once every partition paused.
func stopOnceAllPaused(_ counter: PauseCounter, _ stop: StopSignal, draining: Bool = false) {
    Thread.detachNewThread {
        counter.allPaused.wait()
        stop.requestStop(draining: draining)
    }
}

/// Counts partitions that reached their pause point; fires when all did.
final class PauseCounter: Sendable {
    let allPaused = Signal()
    private let remaining: Atomic<Int>

    init(partitions: Int) { remaining = Atomic(partitions) }

    func partitionPaused() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { allPaused.fire() }
    }
}

/// Emits each partition's events two at a time from its resume position; in a
/// run with pause points, a partition idles (forever) once it reached its
/// point, so the run ends only when stopped. Without pause points it ends.
struct PausingSource: PartitionedSource {
    let partitions: [[WindowSupport.Event]]
    let pauseAt: [Int]?
    let paused: PauseCounter

    func listPartitions() throws -> [PartitionKey] { partitions.indices.map { PartitionKey("p\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        let index = Int(key.rawValue.dropFirst())!
        return Partition(events: partitions[index], next: resumeState ?? 0, pauseAt: pauseAt?[index], paused: paused)
    }

    final class Partition: SourcePartition {
        private let events: [WindowSupport.Event]
        private var next: Int
        private let pauseAt: Int?
        private let paused: PauseCounter
        private var reported = false

        init(events: [WindowSupport.Event], next: Int, pauseAt: Int?, paused: PauseCounter) {
            self.events = events
            self.next = next
            self.pauseAt = pauseAt
            self.paused = paused
        }

        func nextBatch() throws -> [WindowSupport.Event]? {
            if let pauseAt, next >= pauseAt {
                if !reported {
                    reported = true
                    paused.partitionPaused()
                }
                return []
            }
            guard next < events.count else { return nil }
            let end = min(next + 2, pauseAt ?? events.count, events.count)
            defer { next = end }
            return Array(events[next..<end])
        }

        func nextAwake() -> Date? { reported ? .distantFuture : nil }

        func snapshot() -> Int { next }
    }
}
