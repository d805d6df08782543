import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Temporary "hosts" for cluster tests with process-local recovery stores:
/// host `p` has its own directory (`base/host-p`), as separate machines
/// would; deleted when the value goes away.
final class LocalStoreHosts {
    let base: String

    init() {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-local-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Host `process`'s recovery directory (`-r` on that host).
    func root(_ process: Int) -> String { "\(base)/host-\(process)" }

    /// Copies process `process`'s store from its host into `host`'s directory, as an operator does when rescaling down.
    func copyStore(of process: Int, to host: Int) throws {
        try FileManager.default.copyItem(
            atPath: SQLiteMemberStore.memberDirectory(root(process), process),
            toPath: SQLiteMemberStore.memberDirectory(root(host), process))
    }

    /// Runs one cluster member per process on 127.0.0.1, each with its own
    /// store in its own host directory, and returns the members' errors.
    /// - Parameter bound: Seconds after which a member still running is a hang (recorded as an issue).
    func run(
        processes: Int, workers: Int, flowID: String, bound: TimeInterval = hangBound.seconds, makeFlow: () -> Dataflow,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String] {
        // The stores live only for this run, so their locks are free for the next.
        let configurations = try (0..<processes).map { process -> RunConfiguration in
            var configuration = RunConfiguration()
            configuration.workers = workers
            configuration.epochInterval = .milliseconds(1)
            configuration.recoveryStore = try SQLiteMemberStore(
                clusterDirectory: root(process), process: process, flowID: flowID)
            return configuration
        }
        let flows = (0..<processes).map { _ in makeFlow() }
        let addresses = try LoopbackPorts.free(processes).map { PeerAddress(host: "127.0.0.1", port: $0) }
        let errors = Mutex<[Int: String]>([:])
        let group = DispatchGroup()
        for process in 0..<processes {
            let member = try ClusterConfiguration(processID: ProcessID(process), addresses: addresses)
            let handoff = Handoff(value: flows[process])
            let configuration = configurations[process]
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do { try Sluice.run(handoff.value, configuration: configuration, cluster: member) } catch {
                    errors.withLock { $0[process] = "\(error)" }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        guard group.wait(timeout: .now() + bound) == .success else {
            Issue.record("a cluster member did not return within \(Int(bound)) s", sourceLocation: sourceLocation)
            return ["a cluster member did not return within \(Int(bound)) s"]
        }
        return errors.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
    }
}

/// Word counts over a fixed input, with abort points, for resume tests.
struct WordCountScenario {
    /// The input, in order.
    let words: [String]
    /// The positions at which successive runs abort.
    let aborts: [Int]

    /// One source value for every run (each abort fires once per value).
    let source: TestingSource<String>

    init(words: [String], aborts: [Int]) {
        self.words = words
        self.aborts = aborts
        var events = words.map(TestingSource<String>.Event.item)
        for position in aborts.sorted(by: >) { events.insert(.abort, at: position) }
        source = TestingSource(events: events)
    }

    /// Every key's final count (`key=count`, sorted).
    var expectedTotals: [String] {
        Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +).map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// The flow: a running count per word (to `running`) and a total per word at the end (to `totals`).
    func flow(_ id: String, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        runningCountsAndTotals(id, source, running: running, totals: totals)
    }

    /// The highest running count seen per key (`key=count`, sorted).
    static func highest(_ running: [String]) -> [String] {
        highestCounts(running).map { "\($0.key)=\($0.value)" }.sorted()
    }
}
