import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Stops at awkward moments end cleanly, lose nothing, and the next run
/// resumes exactly: repeated requests (a suspend then a drain), a stop while
/// a snapshot is being written, a stop with an exactly-once sink.
@Suite struct StopEdgeCaseTests {
    typealias Event = WindowSupport.Event

    @Test(arguments: [1, 2])
    func repeatedRequestsStopOnceTheWayTheFirstAsked(workers: Int) throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let sink = TestingSink<String>()
            for pause in StopSuspendTests.pausePoints(stops: 2) {
                let counter = PauseCounter(partitions: 4)
                let flow = StopSuspendTests.makeFlow(
                    PausingSource(partitions: StopSuspendTests.partitions, pauseAt: pause, paused: counter), into: sink)
                var configuration = RunConfiguration(workers: workers)
                configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
                let stop = StopSignal()
                configuration.stopSignal = stop
                Thread.detachNewThread {
                    counter.allPaused.wait()
                    stop.requestStop()
                    stop.requestStop()
                    stop.requestStop(draining: true)  // too late: the first request decided
                }
                try expectRunSucceeds(flow, configuration: configuration)
                #expect(!stop.isDrainRequested)
                #expect(sink.items.allSatisfy { !$0.hasPrefix("total") }, "a later drain request flushed the totals")
            }
            try StopSuspendTests.finishAndCompare(directory: directory.path, workers: workers, sink: sink)
        }
    }

    @Test func aStopWhileASnapshotIsBeingWrittenEndsCleanly() throws {
        let store = HeldWriteStore()
        let sink = TestingSink<String>()
        let counter = PauseCounter(partitions: 4)
        let flow = StopSuspendTests.makeFlow(
            PausingSource(partitions: StopSuspendTests.partitions, pauseAt: [20, 25, 30, 35], paused: counter), into: sink)
        var configuration = recoveryConfiguration(workers: 2, store: store)
        let stop = StopSignal()
        configuration.stopSignal = stop
        Thread.detachNewThread {
            counter.allPaused.wait()
            store.holdNextWrite()
            store.writeHeld.wait()  // a worker's snapshot write is under way…
            stop.requestStop()      // …when the stop comes
            store.release()
        }
        try expectRunSucceeds(flow, configuration: configuration)
        #expect(!store.writeHeld.timedOut, "no snapshot write was held")
        #expect(sink.items.allSatisfy { !$0.hasPrefix("total") })

        let last = StopSuspendTests.makeFlow(
            PausingSource(partitions: StopSuspendTests.partitions, pauseAt: nil, paused: PauseCounter(partitions: 4)), into: sink)
        try expectRunSucceeds(last, configuration: recoveryConfiguration(workers: 3, store: store))
        StopSuspendTests.expectUninterrupted(sink.items)
    }

    @Test(arguments: [1, 2])
    func aStopWithAnExactlyOnceSinkPublishesEveryOutputOnce(workers: Int) throws {
        let ledger = Ledger()
        let store = InMemoryRecoveryStore()
        func makeFlow(pauseAt: [Int]?, counter: PauseCounter) -> Dataflow {
            let flow = Dataflow("committing_stop")
            flow.input("events", PausingSource(partitions: StopSuspendTests.partitions, pauseAt: pauseAt, paused: counter))
                .keyOn("key") { $0.label }
                .statefulMap("running") { (count: Int?, _: Event) in ((count ?? 0) + 1, (count ?? 0) + 1) }
                .map("format") { "\($0.key)=\($0.value)" }
                .output("out", LedgerSink(ledger: ledger, store: store))
            return flow
        }
        for pause in StopSuspendTests.pausePoints(stops: 3) {
            let counter = PauseCounter(partitions: 4)
            var configuration = recoveryConfiguration(workers: workers, store: store)
            let stop = StopSignal()
            configuration.stopSignal = stop
            stopOnceAllPaused(counter, stop)
            try expectRunSucceeds(makeFlow(pauseAt: pause, counter: counter), configuration: configuration)
            // The stop's last epoch was committed before the run returned.
            let read = pause.reduce(0, +)
            #expect(ledger.published.count == read, "published \(ledger.published.count) of the \(read) items read")
        }
        try expectRunSucceeds(
            makeFlow(pauseAt: nil, counter: PauseCounter(partitions: 4)), configuration: recoveryConfiguration(workers: workers, store: store))
        let expected = StopSuspendTests.uninterrupted.filter { $0.hasPrefix("running ") }.map { $0.dropFirst(8) }.map(String.init)
        #expect(ledger.published.sorted() == expected.sorted())
        #expect(ledger.state.withLock { $0.early }.isEmpty, "a commit came before its snapshot was durable")
    }
}

/// An in-memory store whose next write, once asked, waits until released
/// (a snapshot write in progress).
final class HeldWriteStore: RecoveryStore, Sendable {
    private let inner = InMemoryRecoveryStore()
    private let hold = Atomic<Bool>(false)
    private let released = DispatchSemaphore(value: 0)
    let writeHeld = Signal()

    func holdNextWrite() { hold.store(true, ordering: .releasing) }
    func release() { released.signal() }

    func resumePoint() throws -> ResumePoint? { try inner.resumePoint() }
    func beginExecution(workerCount: Int) throws { try inner.beginExecution(workerCount: workerCount) }
    func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        if hold.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            writeHeld.fire()
            _ = released.wait(timeout: .after(hangBound))
        }
        try inner.write(epoch: epoch, worker: worker, records: records, ended: ended)
    }
}
