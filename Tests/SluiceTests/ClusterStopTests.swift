import Foundation
import Sluice
import SluiceTesting
import Testing

/// A stop asked of one member of a cluster (SIGTERM to one pod of a rolling
/// update, `stop()`) stops every member gracefully: all return normally and
/// what the others read reaches the sinks.
@Suite struct ClusterStopTests {
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
