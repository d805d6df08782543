import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// What `Worker.run` promises: a step failure on one worker stops every
/// worker of the run, which then fails naming the step; the failure is known
/// to the run before the failing worker closes its partitions (a slow close
/// must not hold the others back); a stop drains the input without a
/// recovery store and suspends with one (unless asked to drain).
@Suite struct WorkerTests {
    /// A sink whose partition on worker 0 closes only once worker 1's
    /// partition closed (at most `bound`); it remembers whether it gave up.
    struct OrderedCloseSink: PerWorkerSink {
        let otherClosed = Signal()
        let gaveUp = Flag()
        let bound: Duration

        func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
            Partition(worker: worker.rawValue, sink: self)
        }

        final class Partition: SinkPartition {
            let worker: Int
            let sink: OrderedCloseSink
            init(worker: Int, sink: OrderedCloseSink) {
                self.worker = worker
                self.sink = sink
            }
            func write(_ batch: [String]) throws {}
            func close() throws {
                if worker == 0 {
                    if !sink.otherClosed.wait(bound: sink.bound) { sink.gaveUp.set() }
                } else {
                    sink.otherClosed.fire()
                }
            }
        }
    }

    /// Worker 0 reads "boom" and its step throws; worker 1 has no input and idles.
    static func failingFlow(into sink: OrderedCloseSink) -> Dataflow {
        let flow = Dataflow("worker_failure")
        flow.input("in", IdleForeverSource(itemsByWorker: [0: ["boom"]], wentIdle: Signal()))
            .map("explode") { (item: String) -> String in
                if item == "boom" { throw Boom("step failed on purpose") }
                return item
            }
            .output("out", sink)
        return flow
    }

    @Test func aStepFailureStopsEveryWorkerAndNamesTheStep() throws {
        let sink = OrderedCloseSink(bound: .seconds(10))
        let error = try expectRunFails(Self.failingFlow(into: sink), workers: 2)
        guard case let .stepFailed(step, worker, item, underlying) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "worker_failure.explode")
        #expect(worker == WorkerIndex(0))
        #expect(item?.contains("boom") == true, "\(String(describing: item))")
        #expect("\(underlying)".contains("step failed on purpose"))
        #expect(sink.otherClosed.hasFired, "worker 1 never closed its partition")
    }

    /// The failing worker marks the run failing before it closes its sinks:
    /// worker 1 learns of the failure (and closes) while worker 0's close is
    /// still waiting for it. Were the order reversed, worker 0's close would
    /// wait its whole bound for a worker that idles on.
    @Test func theRunIsMarkedFailingBeforeTheFailingWorkerClosesItsSinks() throws {
        let sink = OrderedCloseSink(bound: .seconds(10))
        let error = try expectRunFails(Self.failingFlow(into: sink), workers: 2)
        #expect(error.description.contains("explode"))
        #expect(!sink.gaveUp.isSet, "worker 0 closed its sink before the run was marked failing")
    }

    /// Numbers on one worker's partition, then idle until stopped; counted per key at the end of input.
    static func countingFlow(seen: Signal, into sink: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("worker_stop")
        flow.input("in", IdleForeverSource(itemsByWorker: [0: ["a", "b", "a"]], wentIdle: seen))
            .countFinal("count") { $0 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", sink)
        return flow
    }

    @Test func aStopWithoutARecoveryStoreDrainsTheInput() throws {
        let seen = Signal()
        let sink = TestingSink<String>()
        let running = start(Self.countingFlow(seen: seen, into: sink), configuration: RunConfiguration(workers: 2))
        #expect(seen.wait(), "the source never went idle")
        running.stop()
        try awaitEnd(running)
        #expect(sink.items.sorted() == ["a=2", "b=1"], "the end of input was not flushed")
    }

    @Test(arguments: [false, true])
    func aStopWithARecoveryStoreSuspendsUnlessAskedToDrain(draining: Bool) throws {
        let seen = Signal()
        let sink = TestingSink<String>()
        let store = InMemoryRecoveryStore()
        let running = start(
            Self.countingFlow(seen: seen, into: sink), configuration: recoveryConfiguration(workers: 2, store: store))
        #expect(seen.wait(), "the source never went idle")
        running.stop(draining: draining)
        try awaitEnd(running)
        if draining {
            #expect(sink.items.sorted() == ["a=2", "b=1"], "a draining stop did not flush")
        } else {
            #expect(sink.items.isEmpty, "a suspending stop flushed as if the input had ended: \(sink.items)")
            #expect(store.committedEpoch != nil, "the suspended state was not committed")
        }
    }
}
