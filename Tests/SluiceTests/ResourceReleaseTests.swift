import Sluice
import SluiceTesting
import Testing

/// Every source and sink partition a run opens is closed exactly once, whether
/// the run ends normally or stops on a failure.
@Suite struct ResourceReleaseTests {
    @Test(arguments: workerCounts)
    func aSuccessfulRunClosesEveryPartitionOnce(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 5, log: log)).output("out", LoggingSink(log: log))
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers))
        #expect(log.opened.count == 5 + workers)
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: workerCounts)
    func aFailingStepStillClosesEveryPartitionOnce(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 5, log: log))
            .map("fail") { value in
                if value == 1 { throw Boom("no ones") }
                return value
            }
            .output("out", LoggingSink(log: log))
        let error = try expectRunFails(flow, workers: workers)
        #expect(error.step == "test.fail")
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: [2, 3])
    func aSinkThatCannotOpenOnOneWorkerStillClosesWhatThatWorkerOpened(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 6, log: log))
            .output("out", LoggingSink(log: log, unopenableOn: 1))
        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, _) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect(partition == "worker-1")
        // Worker 1 had opened its source partitions before its sink failed to open.
        #expect(log.opened.filter { $0.hasPrefix("p") }.count == 6)
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: workerCounts)
    func aPartitionedSinkRunClosesEveryPartitionOnce(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 4, log: log)).output("out", LoggingPartitionedSink(log: log))
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers))
        #expect(log.opened.count == 4 + 3)
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: workerCounts)
    func aPartitionedSinkThatCannotOpenOnePartitionClosesTheOthers(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 4, log: log))
            .output("out", LoggingPartitionedSink(log: log, unopenable: "c"))
        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, _) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect(partition == "c")
        #expect(log.closed.sorted() == log.opened.sorted())
    }
}
