import Foundation
import Sluice
import SluiceTesting
import Synchronization
import Testing

/// A source that never ends: emits 1, 2, 3, … one per poll.
private struct Endless: PerWorkerSource {
    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition { Partition() }
    final class Partition: SourcePartition {
        var next = 0
        func nextBatch() throws -> [Int]? {
            next += 1
            return [next]
        }
    }
}

@Suite struct StopSignalTests {
    @Test func stopOnTheHandleEndsTheRun() throws {
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        flow.input("endless", Endless()).output("out", sink)
        let running = start(flow, configuration: RunConfiguration(workers: 2))
        #expect(!running.isFinished)
        running.stop()
        try #require(try running.wait(timeout: .seconds(30)), "run did not stop within 30 s")
        #expect(running.isFinished)
    }

    @Test(arguments: [1, 2, 3])
    func aStopEndsAnEndlessRunAndFlushesState(workers: Int) throws {
        let stop = StopSignal()
        let seen = Atomic<Int>(0)
        let flow = Dataflow("test")
        let totals = TestingSink<Int>()
        flow.input("endless", Endless())
            .inspect("watch") { _ in
                if seen.add(1, ordering: .relaxed).newValue == 500 { stop.requestStop() }
            }
            .keyOn("all") { _ in "all" }
            .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
            .map("value") { $0.value }
            .output("out", totals)
        var configuration = RunConfiguration(workers: workers)
        configuration.stopSignal = stop
        let running = start(flow, configuration: configuration)
        // A bound against hangs only; passing depends on the assertions below.
        try #require(try running.wait(timeout: .seconds(30)), "run did not stop within 30 s")
        // The end-of-input flush ran, and counted every item that was emitted.
        #expect(totals.items.count == 1)
        #expect(totals.items.first == seen.load(ordering: .relaxed))
        #expect(seen.load(ordering: .relaxed) >= 500)
    }
}
