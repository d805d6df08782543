import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// A stop asked of one member of a cluster (SIGTERM to one pod of a rolling
/// update, `stop()`) stops every member gracefully: all return normally and
/// what the others read reaches the sinks.
@Suite(.onOwnThread) struct ClusterStopTests {
    /// (members, workers per member, the member asked to stop, the member whose worker has items).
    static let layouts: [(members: Int, workers: Int, stopped: Int, reading: Int)] = [
        (2, 1, 0, 1), (2, 1, 1, 0), (2, 2, 1, 0), (3, 1, 2, 0),
    ]

    /// The source never ends, so without the stop spreading no member would
    /// ever return: the stopped member has no items at all, the reading
    /// member's worker emits its items and idles forever.
    @Test(arguments: layouts)
    func aStopAskedOfOneMemberStopsEveryMember(layout: (members: Int, workers: Int, stopped: Int, reading: Int)) throws {
        let sink = TestingSink<String>()
        let wentIdle = Signal()
        let readingWorker = layout.reading * layout.workers
        let items = (0..<50).map { "item-\($0)" }
        let flows = (0..<layout.members).map { _ in
            let flow = Dataflow("stop")
            flow.input("in", IdleForeverSource(itemsByWorker: [readingWorker: items], wentIdle: wentIdle))
                .keyOn("key") { $0 }
                .statefulMap("seen") { (count: Int?, value: String) in ((count ?? 0) + 1, value) }
                .map("value") { $0.value }
                .output("out", sink)
            return flow
        }
        let stop = StopSignal()
        var configurations = (0..<layout.members).map { _ in RunConfiguration(workers: layout.workers) }
        for index in configurations.indices { configurations[index].epochInterval = .seconds(3600) }
        configurations[layout.stopped].stopSignal = stop
        // Asks for the stop once the reading member has emitted and gone idle.
        Thread.detachNewThread {
            wentIdle.wait()
            stop.requestStop()
        }

        let outcomes = try runClusterMembers(flows, configurations: configurations)
        #expect(!wentIdle.timedOut, "the reading member never went idle")
        for (member, outcome) in outcomes.enumerated() {
            #expect(outcome.failure == nil, "member \(member) failed: \(String(describing: outcome.failure))")
        }
        // Graceful: everything read before the stop was processed and written.
        #expect(sink.items.sorted() == items.sorted())
    }

    @Test func aStopRequestedBeforeTheClusterRunsStillStopsEveryMember() throws {
        let sink = TestingSink<String>()
        let flows = (0..<2).map { _ in
            let flow = Dataflow("early_stop")
            flow.input("in", IdleForeverSource(itemsByWorker: [:], wentIdle: Signal())).output("out", sink)
            return flow
        }
        let stop = StopSignal()
        stop.requestStop()
        var configurations = [RunConfiguration(workers: 1), RunConfiguration(workers: 1)]
        configurations[1].stopSignal = stop
        let outcomes = try runClusterMembers(flows, configurations: configurations)
        for (member, outcome) in outcomes.enumerated() {
            #expect(outcome.failure == nil, "member \(member) failed: \(String(describing: outcome.failure))")
        }
        #expect(sink.items.isEmpty)
    }
}

/// A stop asked while a member still waits for its peers ends the wait after
/// a short grace: the member returns normally (nothing ran, nothing is lost)
/// instead of waiting out the start-up timeout and failing.
@Suite(.onOwnThread) struct ClusterStartupStopTests {
    private func lonelyMember(stop: StopSignal) throws -> Result<Void, any Error>? {
        let addresses = try LoopbackPorts.free(2).map { PeerAddress(host: "127.0.0.1", port: $0) }
        let member = try ClusterConfiguration(processID: ProcessID(0), addresses: addresses)
        var options = ClusterMeshOptions()
        options.startupTimeout = .seconds(600)  // far beyond the test's bound: only the stop can end the wait
        let flow = Dataflow("lonely")
        flow.input("in", TestingSource([1, 2, 3])).output("out", TestingSink<Int>())
        var settings = RunConfiguration(workers: 1)
        settings.stopSignal = stop
        let configuration = settings
        let meshOptions = options
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let handoff = Handoff(value: flow)
        Thread.detachNewThread {
            let result = Result { try run(handoff.value, configuration: configuration, cluster: member, options: meshOptions) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        // Process 1 never comes; ask for the stop while process 0 waits for it.
        if !stop.isStopRequested {
            let listening = ContinuousClock.now + hangBound
            while !Self.isListening(port: addresses[0].port), ContinuousClock.now < listening {
                Thread.sleep(forTimeInterval: 0.01)
            }
            stop.requestStop()
        }
        guard done.wait(timeout: .after(hangBound)) == .success else {
            Issue.record("the member still waits for its peers \(hangBound) after the stop")
            return nil
        }
        return outcome.withLock { $0 }
    }

    /// Whether a socket listens on `port` (Linux: /proc/net/tcp, state 0A),
    /// read without connecting to it.
    static func isListening(port: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        let hexPort = String(format: ":%04X", port)
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(hexPort) && fields[3] == "0A"
        }
    }

    @Test func aStopWhileWaitingForPeersEndsTheWait() throws {
        let outcome = try #require(try lonelyMember(stop: StopSignal()))
        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
    }

    @Test func aStopBeforeStartUpEndsTheWaitToo() throws {
        let stop = StopSignal()
        stop.requestStop()
        let outcome = try #require(try lonelyMember(stop: stop))
        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
    }
}
