import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTestSupport
import Testing

/// `kafka-word-count` as a cluster of three "hosts" on one machine: network
/// namespaces with their own addresses, joined by a bridge, with the broker
/// on a fourth, each host with its own recovery directory. One host's link
/// is cut mid-run: the others stop with an error naming it; restarted, the
/// cluster resumes and the counts are exact.
///
/// Needs root and `ip`; elsewhere it is skipped (a trait says why), except under
/// `CI=true`, where not being able to make namespaces is a failure.
@Suite(.serialized, .onOwnThread) struct MultiHostClusterTests {
    static let flowID = "kafka_word_count"

    /// Runs where namespaces can be made, and always under CI (where their
    /// absence is a failure, recorded by the test).
    static var runs: Bool { NetworkNamespaces.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test(.enabled(if: runs, "needs root and iproute2's ip to make network namespaces"))
    func aClusterAcrossHostsSurvivesACutLinkAndResumesExactlyOnce() throws {
        if let reason = NetworkNamespaces.unavailableReason {
            Issue.record("the multi-host test cannot run under CI: \(reason)")
            return
        }
        if ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] != nil {
            print("note: the multi-host test always uses its own embedded broker (in a namespace), not KAFKA_BOOTSTRAP_SERVERS")
        }
        // Host 0 runs the broker; hosts 1…3 run cluster processes.
        let lab = try NamespaceHosts(count: 4, topics: ["lines:6", "counts:6"])
        defer { lab.close() }
        let hosts = lab.hosts
        let brokers = lab.brokers
        func start(_ host: Int, _ executable: URL, _ arguments: [String]) throws -> ChildProcess {
            try lab.start(host, executable, arguments)
        }

        var text = GeneratedWordText()
        try produce(
            text.nextLines(120_000).enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 6)) },
            to: "lines", brokers: brokers)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-hosts-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // One recovery directory per host, as on separate machines: host h+1 runs
        // process h with `-r directory/host-<h>`, its store in …/host-<h>/process-<h>
        // (decision 0018). The probe sees them together through links.
        let hostDirectory = { (process: Int) in "\(directory)/host-\(process)" }
        let together = "\(directory)/probe"
        try FileManager.default.createDirectory(atPath: together, withIntermediateDirectories: true)
        for process in 0..<3 {
            try FileManager.default.createSymbolicLink(
                atPath: SQLiteMemberStore.memberDirectory(together, process),
                withDestinationPath: SQLiteMemberStore.memberDirectory(hostDirectory(process), process))
        }
        let probe = ClusterDirectoryProbe(directory: together, flowID: Self.flowID)
        let wordCount = try BuiltExecutable.url(named: "kafka-word-count")
        let addresses = (1...3).map { "\(hosts.address(of: $0)):7100" }.joined(separator: ";")
        func startCluster() throws -> [ChildProcess] {
            try (0..<3).map { index in
                try start(
                    index + 1, wordCount,
                    [
                        "--brokers", brokers[0], "--input-topic", "lines", "--output-topic", "counts",
                        "-r", hostDirectory(index), "-s", "0.1", "--epoch-interval", "0.05", "-w", "1",
                        "-i", "\(index)", "-a", addresses,
                    ])
            }
        }

        let first = try startCluster()
        let giveUp = ContinuousClock.now + .seconds(60)
        while probe.committedStates(of: "kafka_word_count.lines", as: Int64.self).values.reduce(0, +) == 0 {
            try #require(ContinuousClock.now < giveUp, "nothing committed in 60 s; stderr: \(first.map(\.stderr))")
            let ended = first.filter(\.hasExited).count
            try #require(ended == 0, "a process ended before the cut: \(first.map(\.stderr))")
            Thread.sleep(forTimeInterval: 0.01)
        }
        // Host 2 runs process 1: its link goes down (no reset: only silence).
        try hosts.cut(2)
        let cutAt = ContinuousClock.now
        for index in [0, 2] {
            let exit = try first[index].waitForExit(timeout: .seconds(10))
            #expect(exit == ChildProcess.Exit(exited: true, status: 1), "process \(index): \(exit)")
            #expect(first[index].stderr.contains("process 1"), "process \(index) does not name the cut-off process: \(first[index].stderr)")
        }
        print("multi-host test: the other processes exited \(ContinuousClock.now - cutAt) after the cut")
        let cutOff = try first[1].waitForExit(timeout: .seconds(30))
        print("multi-host test: the cut-off process exited \(ContinuousClock.now - cutAt) after the cut: \(cutOff)")
        #expect(cutOff != ChildProcess.Exit(exited: true, status: 0), "the cut-off process cannot have finished")

        try hosts.restore(2)
        let second = try startCluster()
        for (index, child) in second.enumerated() {
            let exit = try child.waitForExit(timeout: .seconds(120))
            #expect(exit == ChildProcess.Exit(exited: true, status: 0), "restarted process \(index): \(exit); \(child.stderr)")
        }
        let counts = try readAll(["counts"], brokers: brokers).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
        expectExactCounts(counts, truth: text.counts, runLog: second.map(\.stderr).joined(separator: "\n"))
    }
}
