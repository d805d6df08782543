import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

@Suite struct InspectDebugTests {
    @Test func reportsStepItemsWorkersAndEpochs() throws {
        let partitions = [Array(0..<30), Array(30..<60), Array(60..<70), Array(70..<75)]
        for workers in workerCounts {
            let seen = OpsRecorder<OpsObserved<Int>>()
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 4))
                .inspectDebug("dbg") { seen.append(OpsObserved($0)) }
                .output("out", sink)
            try run(flow, workers: workers)

            let observed = seen.values
            #expect(observed.map(\.item).sorted() == Array(0..<75), "workers=\(workers)")
            #expect(observed.allSatisfy { $0.step == "test.dbg" }, "workers=\(workers)")
            #expect(observed.allSatisfy { (0..<workers).contains($0.worker) }, "workers=\(workers)")
            #expect(observed.allSatisfy { $0.epoch >= 1 }, "workers=\(workers)")
            #expect(sink.items.sorted() == Array(0..<75), "workers=\(workers)")
        }
    }

    @Test func namesNestedStepsByTheirScope() throws {
        let seen = OpsRecorder<OpsObserved<Int>>()
        let flow = Dataflow("outer")
        flow.input("in", TestingSource([1, 2]))
            .inspectDebug("look") { seen.append(OpsObserved($0)) }
            .output("out", TestingSink<Int>())
        try run(flow, workers: 1)
        #expect(seen.values.map(\.step) == ["outer.look", "outer.look"])
        #expect(flow.stepIDs.contains(StepID("outer.look")))
    }

    @Test func reportsLaterEpochsWhenTheRunOutlastsTheEpochInterval() throws {
        // Every worker emits items until its own inspector has seen epoch 2,
        // so the run lasts at least one epoch interval wherever it runs; only
        // a run that never advances its epoch would time out (and fail).
        for workers in workerCounts {
            let seen = OpsRecorder<OpsObserved<Int>>()
            let progress = EpochProgress(workers: workers)
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("ticks", UntilEpochTwoSource(progress: progress))
                .inspectDebug("dbg") { info in
                    progress.saw(info.epoch, on: info.worker)
                    seen.append(OpsObserved(info))
                }
                .output("out", sink)
            try runToEnd(flow, workers: workers, epochInterval: .milliseconds(20)) {
                progress.cancel()
            }

            let observed = seen.values
            #expect(Set(observed.map(\.worker)) == Set(0..<workers), "workers=\(workers)")
            #expect(observed.allSatisfy { $0.step == "test.dbg" && $0.epoch >= 1 }, "workers=\(workers)")
            for worker in 0..<workers {
                let mine = observed.filter { $0.worker == worker }
                #expect(mine.map(\.epoch) == mine.map(\.epoch).sorted(), "epochs go backwards on worker \(worker)")
                #expect((mine.map(\.epoch).max() ?? 0) >= 2, "worker \(worker) never reached epoch 2")
                // Each worker's items are its own sequence numbers, in order.
                #expect(mine.map(\.item) == mine.map(\.item).sorted(), "worker \(worker) reordered items")
            }
            #expect(sink.items.sorted() == observed.map(\.item).sorted(), "workers=\(workers)")
        }
    }
}

/// The highest epoch each worker's inspector has reported.
private final class EpochProgress: Sendable {
    private let highest: Mutex<[UInt64]>
    private let cancelled = Flag()

    init(workers: Int) { highest = Mutex(Array(repeating: 0, count: workers)) }

    func saw(_ epoch: Epoch, on worker: WorkerIndex) {
        highest.withLock { $0[worker.rawValue] = max($0[worker.rawValue], epoch.rawValue) }
    }

    func reachedEpochTwo(_ worker: WorkerIndex) -> Bool {
        cancelled.isSet || highest.withLock { $0[worker.rawValue] >= 2 }
    }

    func cancel() { cancelled.set() }
}

/// A per-worker source emitting `worker * 1_000_000 + n` about every 2 ms
/// until that worker's inspector has seen an item of epoch 2.
private struct UntilEpochTwoSource: PerWorkerSource {
    let progress: EpochProgress

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
        Partition(worker: worker, progress: progress)
    }

    final class Partition: SourcePartition {
        private let worker: WorkerIndex
        private let progress: EpochProgress
        private var next = 0

        init(worker: WorkerIndex, progress: EpochProgress) {
            self.worker = worker
            self.progress = progress
        }

        func nextBatch() throws -> [Int]? {
            if progress.reachedEpochTwo(worker) { return nil }
            defer { next += 1 }
            return [worker.rawValue * 1_000_000 + next]
        }

        func nextAwake() -> Date? { Date().addingTimeInterval(0.002) }
    }
}
