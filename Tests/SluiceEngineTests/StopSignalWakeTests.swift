import SluiceEngine
import Synchronization
import Testing

/// What the engine hangs on a stop signal (waking workers, telling the other
/// processes of a cluster) runs exactly once, whenever it was registered.
@Suite struct StopSignalWakeTests {
    @Test func repeatedRequestsWakeOnce() {
        let stop = StopSignal()
        let calls = Atomic<Int>(0)
        stop.onStop { calls.add(1, ordering: .relaxed) }
        #expect(calls.load(ordering: .relaxed) == 0)
        stop.requestStop()
        stop.requestStop()
        stop.requestStop()
        #expect(stop.isStopRequested)
        #expect(calls.load(ordering: .relaxed) == 1)
    }

    @Test func aWakerRegisteredAfterTheRequestRunsAtOnce() {
        let stop = StopSignal()
        stop.requestStop()
        let calls = Atomic<Int>(0)
        stop.onStop { calls.add(1, ordering: .relaxed) }
        #expect(calls.load(ordering: .relaxed) == 1)
        stop.requestStop()
        #expect(calls.load(ordering: .relaxed) == 1)
    }
}
