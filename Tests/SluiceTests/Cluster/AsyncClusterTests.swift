import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Two cluster members in this test process, each awaited by a task of its
/// own (`plan.run(configuration:cluster:)` connects on its own thread).
@Suite struct AsyncClusterTests {
    static func members(_ count: Int) throws -> [ClusterConfiguration] {
        let addresses = try LoopbackPorts.free(count).map { PeerAddress(host: "127.0.0.1", port: $0) }
        return try (0..<count).map { try ClusterConfiguration(processID: ProcessID($0), addresses: addresses) }
    }

    @Test func anAsyncClusterRunEmitsWhatOneProcessEmits() async throws {
        let alone = TestingSink<String>()
        try expectRunSucceeds(AsyncRunTests.makeFlow(into: alone), configuration: RunConfiguration(workers: 2))
        let sink = TestingSink<String>()
        let plans = try (0..<2).map { _ in try AsyncRunTests.makeFlow(into: sink).plan() }
        let members = try Self.members(2)
        try await withinHangBound {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<2 {
                    group.addTask {
                        try await plans[index].run(configuration: RunConfiguration(workers: 2), cluster: members[index])
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(alone.items.count == 5)
        #expect(sink.items.sorted() == alone.items.sorted())
    }

    @Test func cancellingOneMembersTaskStopsBoth() async throws {
        let sink = TestingSink<String>()
        let counter = PauseCounter(partitions: 4)
        // Pausing sources: neither member ends before it is stopped.
        let plans = try (0..<2).map { _ in
            try StopSuspendTests.makeFlow(
                PausingSource(partitions: StopSuspendTests.partitions, pauseAt: [30, 30, 30, 30], paused: counter),
                into: sink
            ).plan()
        }
        let members = try Self.members(2)
        let tasks = (0..<2).map { index in
            Task(executorPreference: OnDemandThreadExecutor.shared) { try await plans[index].run(configuration: RunConfiguration(workers: 2), cluster: members[index]) }
        }
        await counter.allPaused.waitAsync()
        #expect(!counter.allPaused.timedOut, "the partitions never all paused")
        tasks[1].cancel()  // only member 1 is cancelled; member 0 must stop too
        for (index, task) in tasks.enumerated() {
            let outcome = try await withinHangBound { await task.result }
            #expect((try? outcome.get()) != nil, "member \(index) did not stop gracefully: \(outcome)")
        }
        // No recovery store: the stop drained, so the totals of what was read came out once.
        let totals = sink.items.filter { $0.hasPrefix("total") }.sorted()
        #expect(totals == (0..<4).flatMap { partition in (0..<3).map { "total k\(partition)-\($0)=10" } }.sorted())
    }
}
