import Sluice
import SluiceTesting
import SluiceTestSupport
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

    @Test(arguments: workerCounts)
    func aSinkWhoseCloseThrowsFailsTheRunAndIsClosedOnce(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", TestingSource(Array(0..<10))).output("out", FailingLifecycleSink(failure: .close, log: log))
        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect(partition?.rawValue.hasPrefix("worker-") == true)
        #expect((underlying as? Boom)?.reason.hasPrefix("cannot close") == true)
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: workerCounts)
    func aSinkWhoseEpochEndThrowsFailsTheRun(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        // The partitions never end, so only an epoch end can stop the run.
        let wentIdle = Signal()
        flow.input("in", IdleForeverSource(itemsByWorker: [0: ["a", "b"]], wentIdle: wentIdle))
            .map("length") { $0.count }
            .output("out", FailingLifecycleSink(failure: .epochEnded, log: log))
        var configuration = RunConfiguration(workers: workers)
        configuration.epochInterval = .milliseconds(10)
        let error = try expectRunFails(flow, configuration: configuration)
        guard case let .sinkFailed(step, _, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect((underlying as? Boom)?.reason.hasPrefix("cannot flush epoch") == true)
        #expect(log.closed.sorted() == log.opened.sorted())
    }

    @Test(arguments: workerCounts)
    func aSourceWhoseCloseThrowsFailsTheRunNamingThePartition(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", UnclosableSource()).output("out", TestingSink<Int>())
        let error = try expectRunFails(flow, workers: workers)
        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == "only")
        #expect((underlying as? Boom)?.reason == "cannot release the source")
    }

    @Test(arguments: workerCounts)
    func aPartitionThatFailsToCloseDoesNotKeepTheOthersOpen(workers: Int) throws {
        let log = OpenCloseLog()
        let flow = Dataflow("test")
        flow.input("in", LoggingSource(partitionCount: 2, log: log))
            .output("out", LoggingPartitionedSink(log: log, unclosable: "a"))
        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, _) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect(partition == "a")
        #expect(log.closed.sorted() == log.opened.sorted())
    }
}
