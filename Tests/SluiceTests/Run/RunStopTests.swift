import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// A failure stops the whole run: every worker wakes and returns (even one
/// asleep on its inbox with nothing to do), and what reached the sink before
/// the failure is a gap-free prefix of the input.
@Suite struct RunStopTests {
    /// Which part of the flow fails.
    enum FailingPart: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case statefulStep, sink, source
        var testDescription: String { rawValue }
    }

    /// (worker count, the worker that fails, the worker that emits and then idles).
    static let placements: [(workers: Int, failing: Int, emitting: Int)] = [(2, 1, 0), (2, 0, 1), (3, 2, 0)]

    /// The source never ends, so without the stop no worker would ever return;
    /// the failing worker fails only once the emitting worker has gone idle,
    /// so that worker is (about to be) asleep on its inbox when the stop comes.
    @Test(arguments: FailingPart.allCases, placements)
    func aFailureOnOneWorkerWakesAnIdleWorker(part: FailingPart, placement: (workers: Int, failing: Int, emitting: Int))
        throws
    {
        let (workers, failing, emitting) = placement
        let poison = key(routedTo: failing, of: workers, prefix: "poison-")
        let harmless = key(routedTo: emitting, of: workers, prefix: "fine-")
        let wentIdle = Signal()

        let flow = Dataflow("test")
        var source = IdleForeverSource(itemsByWorker: [emitting: [harmless, poison, harmless]], wentIdle: wentIdle)
        if part == .source { source.failingWorker = failing }
        let counted = flow.input("in", source)
            .keyOn("key") { $0 }
            .statefulMap("fail") { (count: Int?, value: String) in
                if part == .statefulStep, value == poison {
                    wentIdle.wait()
                    throw Boom("giving up on \(value)")
                }
                return ((count ?? 0) + 1, value)
            }
            .map("value") { $0.value }
        counted.output(
            "out",
            TestingSink<String>(failWhen: { value in
                guard part == .sink, value == poison else { return nil }
                wentIdle.wait()
                return Boom("cannot write \(value)")
            }))

        var configuration = RunConfiguration(workers: workers)
        configuration.epochInterval = .seconds(3600)  // no epoch deadline wakes anyone early
        let error = try expectRunFails(flow, configuration: configuration)
        #expect(!wentIdle.timedOut, "the emitting worker never went idle")

        switch (part, error) {
        case let (.statefulStep, .stepFailed(step, worker, item, _)):
            #expect(step == "test.fail")
            #expect(worker == WorkerIndex(failing))
            #expect(item?.contains(poison) == true)
        case let (.sink, .sinkFailed(step, partition, _)):
            #expect(step == "test.out")
            #expect(partition == PartitionKey("worker-\(failing)"))
        case let (.source, .sourceFailed(step, partition, _)):
            #expect(step == "test.in")
            #expect(partition == PartitionKey("worker-\(failing)"))
        default:
            Issue.record("\(part) failure reported as \(error)")
        }
    }

    @Test func aFailureUnderBackPressureStillStopsTheRun() throws {
        // Every item goes to worker 1 and the inbox limit is tiny, so the
        // source keeps being throttled (polling on a short back-off) while
        // worker 1 works; its failure must still stop both workers.
        let workers = 2
        let poison = key(routedTo: 1, of: workers, prefix: "poison-")
        let busy = key(routedTo: 1, of: workers, prefix: "busy-")
        let others = Array(repeating: busy, count: 5_000)
        let flow = Dataflow("test")
        flow.input("in", TestingSource(others + [poison] + others, batchSize: 10))
            .keyOn("key") { $0 }
            .statefulMap("fail") { (count: Int?, value: String) in
                if value == poison { throw Boom("poisoned") }
                return ((count ?? 0) + 1, value)
            }
            .map("value") { $0.value }
            .output("out", TestingSink<String>())
        var configuration = RunConfiguration(workers: workers)
        configuration.maxPendingItemsPerWorker = 10
        let error = try expectRunFails(flow, configuration: configuration)
        guard case let .stepFailed(step, worker, _, _) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.fail")
        #expect(worker == WorkerIndex(1))
    }

    @Test(arguments: workerCounts, [1, 7])
    func itemsBeforeAFailingStatelessStepReachTheSinkAsAPrefix(workers: Int, batchSize: Int) throws {
        let sink = TestingSink<Int>()
        let flow = Dataflow("test")
        flow.input("in", TestingSource(Array(0..<1_000), batchSize: batchSize))
            .map("fail") { value in
                if value == 500 { throw Boom("stop at 500") }
                return value
            }
            .output("out", sink)

        let error = try expectRunFails(flow, workers: workers)
        #expect(error.step == "test.fail")
        let written = sink.items
        #expect(written == Array(0..<written.count), "not a prefix: \(written.prefix(20))…")
        #expect(written.count <= 500)
        if batchSize == 1 {
            // Each item went all the way through before the next was read.
            #expect(written.count == 500)
        }
    }

    @Test(arguments: workerCounts)
    func itemsBeforeAFailingKeyedStepReachTheSinkAsAPrefix(workers: Int) throws {
        let sink = TestingSink<Int>()
        let flow = Dataflow("test")
        flow.input("in", TestingSource(Array(0..<1_000), batchSize: 3))
            .keyOn("key") { _ in "one-key" }
            .statefulMap("running") { (last: Int?, value: Int) in
                if value == 700 { throw Boom("stop at 700") }
                return (value, value)
            }
            .map("value") { $0.value }
            .output("out", sink)

        let error = try expectRunFails(flow, workers: workers)
        #expect(error.step == "test.running")
        let written = sink.items
        #expect(written == Array(0..<written.count), "not a prefix: \(written.prefix(20))…")
        #expect(written.count <= 700)
    }
}
