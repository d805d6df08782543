import Foundation
import Sluice
import SluiceEngine
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// `try await plan.run(…)` and `running.value`: the same results as the
/// blocking run, errors naming the step, task cancellation as a graceful
/// stop (a suspend with a recovery store), and no worker on the cooperative pool.
@Suite struct AsyncRunTests {
    /// Sums and counts per key of 0..<2000 over four partitions.
    static func makeFlow(into sink: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("async")
        let numbers = (0..<2000).map { $0 }
        flow.input("numbers", TestingSource(partitions: (0..<4).map { p in numbers.filter { $0 % 4 == p } }, batchSize: 7))
            .keyOn("key") { "k\($0 % 5)" }
            .foldFinal("sum", initial: { 0 }) { $0 + $1 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", sink)
        return flow
    }

    @Test(arguments: [1, 2, 3])
    func anAsyncRunEmitsWhatTheBlockingRunEmits(workers: Int) async throws {
        let blocking = TestingSink<String>()
        try expectRunSucceeds(Self.makeFlow(into: blocking), configuration: RunConfiguration(workers: workers))
        let awaited = TestingSink<String>()
        let plan = try Self.makeFlow(into: awaited).plan()
        try await withinHangBound { try await plan.run(configuration: RunConfiguration(workers: workers)) }
        #expect(blocking.items.count == 5)
        #expect(awaited.items.sorted() == blocking.items.sorted())
    }

    @Test func aDataflowRunsAsyncAndStartsWithAClusterOfOne() async throws {
        let blocking = TestingSink<String>()
        try expectRunSucceeds(Self.makeFlow(into: blocking), configuration: RunConfiguration(workers: 2))
        let awaited = TestingSink<String>()
        try await withinHangBound { try await Self.makeFlow(into: awaited).run(configuration: RunConfiguration(workers: 2)) }
        let started = TestingSink<String>()
        // `cluster: nil` (or a cluster of one process) runs in this process alone.
        let running = start(Self.makeFlow(into: started), configuration: RunConfiguration(workers: 2), cluster: nil)
        try await withinHangBound { try await running.value }
        #expect(awaited.items.sorted() == blocking.items.sorted())
        #expect(started.items.sorted() == blocking.items.sorted())
    }

    @Test func aStepErrorComesOutOfTryAwaitNamingTheStep() async throws {
        let flow = Dataflow("failing")
        flow.input("numbers", TestingSource(Array(0..<100)))
            .map("explode") { number -> Int in
                if number == 42 { throw Boom("42 is not allowed") }
                return number
            }
            .output("out", TestingSink<Int>())
        let plan = try flow.plan()
        let error = try await #require(throws: DataflowError.self) {
            try await withinHangBound { try await plan.run(configuration: RunConfiguration(workers: 2)) }
        }
        #expect(error.step == StepID("failing.explode"))
        #expect("\(error)".contains("42 is not allowed"))
    }

    @Test func anInvalidFlowIsRefusedByPlanNamingTheStep() throws {
        let flow = Dataflow("dup")
        let numbers = flow.input("numbers", TestingSource([1]))
        numbers.map("twice") { $0 }.output("out", TestingSink<Int>())
        numbers.map("twice") { $0 }.output("out2", TestingSink<Int>())
        let error = try #require(throws: DataflowError.self) { try flow.plan() }
        #expect(error.step == StepID("dup.twice"))
    }

    @Test func aPlanDoesNotSeeStepsAddedAfterIt() throws {
        let flow = Dataflow("frozen")
        let numbers = flow.input("numbers", TestingSource([1, 2]))
        numbers.output("out", TestingSink<Int>())
        let plan = try flow.plan()
        numbers.map("later") { $0 }.output("later_out", TestingSink<Int>())
        #expect(plan.stepIDs.map(\.description) == ["frozen.numbers", "frozen.out"])
        #expect(plan.fingerprint(workersPerProcess: 2) != flow.fingerprint(workersPerProcess: 2))
    }

    @Test func cancellingTheAwaitingTaskSuspendsAnEndlessRunAndARestartContinues() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-async-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = TestingSink<String>()
        let counter = PauseCounter(partitions: 4)
        // Pauses (idles forever) part-way: the run only ends when stopped.
        let plan = try StopSuspendTests.makeFlow(
            PausingSource(partitions: StopSuspendTests.partitions, pauseAt: [20, 25, 30, 35], paused: counter), into: sink
        ).plan()
        var configuration = RunConfiguration(workers: 2)
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: plan.id)
        let settings = configuration
        let task = Task(executorPreference: OnDemandThreadExecutor.shared) { try await plan.run(configuration: settings) }
        await counter.allPaused.waitAsync()
        #expect(!counter.allPaused.timedOut, "the partitions never all paused")
        task.cancel()
        try await withinHangBound { try await task.value }  // a graceful stop returns normally
        #expect(!sink.items.isEmpty, "the run emitted nothing before it was stopped")
        #expect(sink.items.allSatisfy { !$0.hasPrefix("total") }, "the cancelled run flushed its totals instead of suspending")
        // The restart continues from the snapshot: every window and total once.
        try StopSuspendTests.finishAndCompare(directory: directory.path, workers: 2, sink: sink)
    }

    @Test func runningValueAwaitsTheBackgroundRun() async throws {
        let sink = TestingSink<String>()
        let running = start(try Self.makeFlow(into: sink).plan(), configuration: RunConfiguration(workers: 2))
        try await withinHangBound { try await running.value }
        #expect(running.isFinished)
        #expect(sink.items.count == 5)
        // A second await after the end returns at once with the same outcome.
        let again = await running.result
        #expect((try? again.get()) != nil)
    }

    /// Several awaiting runs, each with 2 busy workers, and a task pinging
    /// a counter, all on one executor thread (as on a starved cooperative
    /// pool): the runs end only once it pinged `target` times, which it can
    /// only do if no awaiting run holds that thread. (The sources also end
    /// after `hangBound`, so a blocked thread fails the test instead of hanging it.)
    @Test func awaitingRunsLeaveTheirThreadToOtherTasks() async throws {
        let pings = Atomic<Int>(0)
        let target = 2_000
        let giveUp = Date().addingTimeInterval(hangBound.seconds)
        let runs = ProcessInfo.processInfo.activeProcessorCount + 1
        let plans = try (0..<runs).map { index in
            let flow = Dataflow("busy_\(index)")
            flow.input("spin", SpinningSource(partitions: 2, until: { pings.load(ordering: .acquiring) >= target || Date() > giveUp }))
                .map("work") { value -> Int in (0..<200).reduce(value) { ($0 &* 31) &+ $1 } }
                .output("out", TestingSink<Int>())
            return try flow.plan()
        }
        let awaiting = plans.map { plan in Task(executorPreference: OnDemandThreadExecutor.shared) { try await plan.run(configuration: RunConfiguration(workers: 2)) } }
        let pinger = Task(executorPreference: OnDemandThreadExecutor.shared) {
            while !Task.isCancelled && pings.load(ordering: .acquiring) < target {
                pings.add(1, ordering: .acquiringAndReleasing)
                await Task.yield()
            }
        }
        defer { pinger.cancel() }
        for run in awaiting { try await withinHangBound { try await run.value } }
        let pinged = pings.load(ordering: .acquiring)
        #expect(pinged >= target, "the executor thread was starved while \(runs) runs were awaited")
    }
}

/// Emits batches of integers without pause until `until()` holds, then ends:
/// a source that keeps its worker busy.
struct SpinningSource: PartitionedSource {
    let partitions: Int
    let until: @Sendable () -> Bool

    func listPartitions() throws -> [PartitionKey] { (0..<partitions).map { PartitionKey("p\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        Partition(until: until, next: resumeState ?? 0)
    }

    final class Partition: SourcePartition {
        let until: @Sendable () -> Bool
        var next: Int
        init(until: @escaping @Sendable () -> Bool, next: Int) {
            self.until = until
            self.next = next
        }

        func nextBatch() throws -> [Int]? {
            if until() { return nil }
            defer { next += 64 }
            return Array(next..<next + 64)
        }

        func snapshot() -> Int { next }
    }
}
