import Foundation
import Logging
import ServiceLifecycle
import Sluice
import SluiceRecovery
import SluiceService
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// `DataflowService` in a `ServiceGroup` beside a service on the cooperative
/// pool: the group's graceful shutdown suspends the dataflow (with a store)
/// while the other service keeps running until the group ends it; a failing
/// flow makes the group throw its error.
@Suite struct DataflowServiceTests {
    static let logger = Logger(label: "sluice-service-tests")

    /// Running sums per parity and every number seen, with a total at the end of input.
    static func makePlan(pauseAt: Int?, paused: Counter, into sink: ClosingSink) throws -> DataflowPlan {
        let flow = Dataflow("service")
        let numbers = flow.input("numbers", PausingNumbers(partitions: 4, count: 100, pauseAt: pauseAt, paused: paused))
        numbers.map("format_seen") { "seen \($0)" }.output("seen_out", sink)
        numbers.keyOn("parity") { $0 % 2 == 0 ? "even" : "odd" }
            .foldFinal("total", initial: { 0 }) { $0 + $1 }
            .map("format_total") { "total \($0.key)=\($0.value)" }
            .output("totals_out", sink)
        return try flow.plan()
    }

    /// What one uninterrupted run over 0..<400 emits.
    static let expected: [String] = {
        let numbers = 0..<400
        let totals = [
            "total even=\(numbers.filter { $0 % 2 == 0 }.reduce(0, +))",
            "total odd=\(numbers.filter { $0 % 2 == 1 }.reduce(0, +))",
        ]
        return (numbers.map { "seen \($0)" } + totals).sorted()
    }()

    @Test func gracefulShutdownSuspendsTheDataflowWhileTheOtherServiceRunsOn() async throws {
        let directory = try TemporaryDirectory(prefix: "sluice-service")
        let loop = LoopService()
        let loopFinishedWhenDataflowEnded = Atomic<Bool>(true)
        let loopsWhenDataflowEnded = Atomic<Int>(-1)
        let first = ClosingSink(partitions: 4) {  // 2 outputs on 2 workers
            loopFinishedWhenDataflowEnded.store(loop.finished.load(ordering: .acquiring), ordering: .releasing)
            loopsWhenDataflowEnded.store(loop.loops.load(ordering: .acquiring), ordering: .releasing)
        }
        let paused = Counter(4)
        let plan = try Self.makePlan(pauseAt: 60, paused: paused, into: first)
        var configuration = RunConfiguration(workers: 2)
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: plan.id)
        // The dataflow is last, so the group shuts it down first and the loop after it.
        let group = ServiceGroup(
            services: [loop, DataflowService(plan, configuration: configuration)], logger: Self.logger)
        let running = Task(executorPreference: OnDemandThreadExecutor.shared) { try await group.run() }
        #expect(await paused.done.waitAsync(), "the source never reached its pause point")
        #expect(await loop.started.waitAsync(), "the other service never started")
        await group.triggerGracefulShutdown()
        try await withinHangBound { try await running.value }

        #expect(first.closed.hasFired, "the dataflow did not end")
        let loopEndedFirst = loopFinishedWhenDataflowEnded.load(ordering: .acquiring)
        let loopEnded = loop.finished.load(ordering: .acquiring)
        let loopsAtEnd = loop.loops.load(ordering: .acquiring)
        let loopsWhenStopped = loopsWhenDataflowEnded.load(ordering: .acquiring)
        #expect(!loopEndedFirst, "the other service ended before the dataflow")
        #expect(loopEnded, "the group did not end the other service")
        #expect(loopsWhenStopped > 0, "the other service never ran while the dataflow did")
        #expect(loopsAtEnd >= loopsWhenStopped)
        let suspended = first.items.withLock { $0 }
        #expect(suspended.count == 4 * 60, "the suspended run did not write what it read")
        #expect(suspended.allSatisfy { !$0.hasPrefix("total") }, "graceful shutdown drained instead of suspending")

        // The next start continues: each number once in all, each total once.
        let second = ClosingSink(partitions: 4)
        let resumed = try Self.makePlan(pauseAt: nil, paused: Counter(4), into: second)
        var again = RunConfiguration(workers: 2)
        again.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: resumed.id)
        let finishing = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: DataflowService(resumed, configuration: again), successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: Self.logger))
        try await withinHangBound { try await finishing.run() }
        #expect((suspended + second.items.withLock { $0 }).sorted() == Self.expected)
    }

    @Test func aFailingFlowMakesTheGroupThrowItsError() async throws {
        let flow = Dataflow("failing")
        flow.input("numbers", TestingSource(Array(0..<50)))
            .map("explode") { number -> Int in
                if number == 7 { throw ServiceBoom() }
                return number
            }
            .output("out", TestingSink<Int>())
        let loop = LoopService()
        let group = ServiceGroup(
            services: [loop, DataflowService(try flow.plan(), configuration: RunConfiguration(workers: 2))],
            logger: Self.logger)
        let error = try await #require(throws: DataflowError.self) {
            try await withinHangBound { try await group.run() }
        }
        #expect(error.step == StepID("failing.explode"))
        #expect("\(error)".contains("service boom"))
        let loopEnded = loop.finished.load(ordering: .acquiring)
        #expect(loopEnded, "the group did not cancel the other service")
    }

    @Test func cancellingTheServiceStopsAnEndlessRun() async throws {
        let sink = ClosingSink(partitions: 2)
        let paused = Counter(4)
        let service = DataflowService(try Self.makePlan(pauseAt: 10, paused: paused, into: sink))
        let task = Task(executorPreference: OnDemandThreadExecutor.shared) { try await service.run() }
        #expect(await paused.done.waitAsync(), "the source never reached its pause point")
        task.cancel()
        try await withinHangBound { try await task.value }
        // No recovery store: the stop drained, so the totals of what was read came out.
        let totals = sink.items.withLock { $0 }.filter { $0.hasPrefix("total") }
        #expect(totals.count == 2)
    }

    @Test func aFiniteRunEndsTheGroupAsItsTerminationBehaviorSays() async throws {
        let sink = ClosingSink(partitions: 2)
        let plan = try Self.makePlan(pauseAt: nil, paused: Counter(4), into: sink)
        // Default `.cancelGroup`: a service that returns on its own is unexpected.
        let strict = ServiceGroup(services: [LoopService(), DataflowService(plan)], logger: Self.logger)
        let error = try await #require(throws: ServiceGroupError.self) {
            try await withinHangBound { try await strict.run() }
        }
        #expect(error.errorCode == .serviceFinishedUnexpectedly)
        #expect(sink.items.withLock { $0 }.sorted() == Self.expected)
    }
}

struct ServiceBoom: Error, CustomStringConvertible {
    var description: String { "service boom" }
}
