import Foundation
import Sluice
import SluiceTesting
import Testing

/// A value that cannot cross between processes (not Codable).
private struct Opaque: Sendable { let value: Int }

/// Runs across several cluster members (in this process, over TCP on
/// 127.0.0.1): failures reach every member naming their cause, bad setups
/// are refused before any work, and keyed results equal one worker's.
@Suite struct ClusterRunTests {
    private func countFlow(_ id: String = "cluster", sink: TestingSink<String>, failOn: Int? = nil) -> Dataflow {
        let flow = Dataflow(id)
        flow.input("numbers", TestingSource(partitions: [Array(0..<500), Array(500..<1000), Array(1000..<1500)]))
            .map("check") { (number: Int) throws -> Int in
                if number == failOn { throw Boom("bad number \(number)") }
                return number
            }
            .keyOn("key") { "k\($0 % 7)" }
            .statefulMap("count") { (count: Int?, _: Int) -> (Int?, Int) in
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .map("format") { (pair: (key: String, value: Int)) -> String in "\(pair.key)=\(pair.value)" }
            .output("out", sink)
        return flow
    }

    @Test(arguments: [(2, 1), (2, 2), (3, 1)])
    func keyedRunningCountsEqualOneWorkers(layout: (processes: Int, workers: Int)) throws {
        let single = TestingSink<String>()
        try run(countFlow(sink: single), workers: 1)
        let clustered = TestingSink<String>()
        try spawnCluster(countFlow(sink: clustered), processes: layout.processes, workersPerProcess: layout.workers)
        #expect(clustered.items.count == 1500)
        #expect(clustered.items.sorted() == single.items.sorted())
    }

    @Test func aThrowingStepInOneProcessStopsEveryProcessNamingTheStep() throws {
        let sink = TestingSink<String>()
        // 1,234 is in the last partition, read by exactly one worker of one process.
        let results = try runClusterMembers(
            [countFlow(sink: sink, failOn: 1234), countFlow(sink: sink, failOn: 1234)], configuration: RunConfiguration())
        let errors = results.compactMap(\.failure).map { "\($0)" }
        #expect(errors.count == 2, "every process fails: \(errors)")
        let origin = errors.filter { $0.hasPrefix("step 'cluster.check' failed") && $0.contains("1234") }
        #expect(origin.count == 1, "exactly one process failed in the step itself: \(errors)")
        let peer = errors.filter { $0.hasPrefix("cluster failed: process ") && $0.contains("cluster.check") }
        #expect(peer.count == 1, "the other names the failed process and its cause: \(errors)")
    }

    @Test func spawnClusterThrowsTheRootCauseNotThePeersEcho() throws {
        let sink = TestingSink<String>()
        let error = #expect(throws: DataflowError.self) {
            try spawnCluster(countFlow(sink: sink, failOn: 7), processes: 2, workersPerProcess: 2)
        }
        guard case .stepFailed(let step, _, _, _) = error else {
            Issue.record("expected the step failure, got \(String(describing: error))")
            return
        }
        #expect(step == "cluster.check")
    }

    @Test func itemsThatAreNotCodableAreRefusedAtStartNamingTheStep() throws {
        func flow(_ sink: TestingSink<Int>) -> Dataflow {
            let flow = Dataflow("opaque")
            flow.input("numbers", TestingSource(Array(0..<10)))
                .map("wrap") { Opaque(value: $0) }
                .redistribute("spread")
                .map("unwrap") { $0.value }
                .output("out", sink)
            return flow
        }
        // One process: nothing crosses a process, so it runs.
        let local = TestingSink<Int>()
        try run(flow(local), workers: 2)
        #expect(local.items.sorted() == Array(0..<10))

        let sink = TestingSink<Int>()
        let error = #expect(throws: DataflowError.self) {
            try spawnCluster(flow(sink), processes: 2, workersPerProcess: 1)
        }
        #expect("\(error!)".contains("opaque.spread"))
        #expect("\(error!)".contains("not Codable"))
        #expect(sink.items.isEmpty, "no partial run")
    }

    /// The dialer fails at once; the listener names the refused connection
    /// when its start-up wait ends (nothing unauthenticated can fail it), so keep that wait short.
    private var shortStartup: ClusterMeshOptions {
        var options = ClusterMeshOptions()
        options.startupTimeout = .seconds(3)
        return options
    }

    @Test func processesRunningDifferentDataflowsRefuseEachOther() throws {
        let sink = TestingSink<String>()
        let results = try runClusterMembers(
            [countFlow("cluster", sink: sink), countFlow("other", sink: sink)], configuration: RunConfiguration(),
            options: shortStartup)
        let errors = results.compactMap(\.failure).map { "\($0)" }
        #expect(errors.count == 2, "both sides refuse: \(errors)")
        for error in errors { #expect(error.contains("fingerprint"), "\(error)") }
        #expect(sink.items.isEmpty)
    }

    @Test func differentWorkerCountsPerProcessAreRefused() throws {
        let sink = TestingSink<String>()
        let results = try runClusterMembers(
            [countFlow(sink: sink), countFlow(sink: sink)],
            configurations: [RunConfiguration(workers: 1), RunConfiguration(workers: 2)], options: shortStartup)
        let messages = results.compactMap(\.failure).map { "\($0)" }
        #expect(messages.count == 2)
        for error in messages { #expect(error.contains("1 workers") && error.contains("2 workers"), "\(error)") }
    }
}
