import Foundation
import Sluice
import SluiceKafka
import SluiceTestSupport
import Testing

/// `kafka-word-count` on "hosts" (network namespaces) that each keep their
/// own recovery directory: no directory is shared. The cluster of three is
/// killed (`kill -9` of a random member, at a random moment) and restarted
/// five times, then resumed as two hosts (the removed host's store copied to
/// a remaining one, as an operator would) and as four; a host whose
/// directory was wiped is refused, naming it. Every word's counts are exact.
///
/// Needs root and `ip`; elsewhere it is skipped (a trait says why), except
/// under `CI=true`, where not being able to make namespaces is a failure.
@Suite(.serialized, .onOwnThread) struct MultiHostLocalStoresTests {
    @Test(.enabled(if: MultiHostClusterTests.runs, "needs root and iproute2's ip to make network namespaces"))
    func hostsWithTheirOwnDirectoriesSurviveKillsAndRescalesExactly() throws {
        if let reason = NetworkNamespaces.unavailableReason {
            Issue.record("the multi-host test cannot run under CI: \(reason)")
            return
        }
        // Host 0 runs the broker; hosts 1…4 run cluster processes.
        let lab = try NamespaceHosts(count: 5, topics: ["lines:6", "counts:6"])
        defer { lab.close() }
        let hosts = lab.hosts
        let brokers = lab.brokers
        func start(_ host: Int, _ executable: URL, _ arguments: [String]) throws -> ChildProcess {
            try lab.start(host, executable, arguments)
        }

        // One recovery directory per host, nothing shared.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-local-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directories = (0...4).map { "\(root)/host-\($0)" }
        let wordCount = try BuiltExecutable.url(named: "kafka-word-count")
        var text = GeneratedWordText()
        var log: [String] = []
        func produceLines(_ count: Int) throws {
            try produce(
                text.nextLines(count).enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 6)) },
                to: "lines", brokers: brokers)
        }
        /// Starts one process on each of `onHosts` (process i on the i-th host).
        func startCluster(_ onHosts: [Int]) throws -> [ChildProcess] {
            let addresses = onHosts.map { "\(hosts.address(of: $0)):7100" }.joined(separator: ";")
            return try onHosts.enumerated().map { index, host in
                try start(
                    host, wordCount,
                    [
                        "--brokers", brokers[0], "--input-topic", "lines", "--output-topic", "counts",
                        "-r", directories[host], "-s", "0.1", "--epoch-interval", "0.05", "-w", "1",
                        "-i", "\(index)", "-a", addresses,
                    ])
            }
        }
        func expectAllSucceed(_ cluster: [ChildProcess], _ what: String) throws {
            for (index, child) in cluster.enumerated() {
                let exit = try child.waitForExit(timeout: .seconds(180))
                log.append("\(what), process \(index): \(exit)\n\(child.stderr)")
                #expect(exit == ChildProcess.Exit(exited: true, status: 0), "\(what), process \(index): \(exit); \(child.stderr)")
            }
        }

        // Three hosts, five kills at random moments.
        var generator = SystemRandomNumberGenerator()
        for round in 1...5 {
            try produceLines(30_000)
            let cluster = try startCluster([1, 2, 3])
            let victim = Int.random(in: 0..<3, using: &generator)
            let moment = Double.random(in: 0.2...2.5, using: &generator)
            _ = try? cluster[victim].waitForExit(timeout: .milliseconds(Int64(moment * 1000)))
            cluster[victim].send(SIGKILL)
            var exits: [String] = []
            for (index, child) in cluster.enumerated() {
                let exit = try child.waitForExit(timeout: .seconds(60))
                exits.append("\(exit)")
                log.append("round \(round) (killed process \(victim) after \(moment) s), process \(index): \(exit)\n\(child.stderr)")
            }
            print("multi-host local stores: round \(round), kill -9 of process \(victim) after \(String(format: "%.2f", moment)) s: \(exits)")
        }
        try produceLines(30_000)
        try expectAllSucceed(try startCluster([1, 2, 3]), "three hosts to the end")

        // Two hosts: host 3's store (process 2) goes to host 1, as an operator copies it.
        try copyDirectory("\(directories[3])/process-2", to: "\(directories[1])/process-2")
        try produceLines(30_000)
        try expectAllSucceed(try startCluster([1, 2]), "two hosts")

        // A wiped host without a backup is refused, naming its process.
        let saved = "\(root)/host-2.saved"
        try FileManager.default.moveItem(atPath: directories[2], toPath: saved)
        let refused = try startCluster([1, 2, 3, 4])
        var named = false
        for (index, child) in refused.enumerated() {
            let exit = try child.waitForExit(timeout: .seconds(60))
            #expect(exit != ChildProcess.Exit(exited: true, status: 0), "process \(index) ran with host 2's store wiped")
            if child.stderr.contains("process 1") { named = true }
        }
        #expect(named, "no process named process 1, whose store was wiped: \(refused.map(\.stderr))")
        try FileManager.default.removeItem(atPath: directories[2])
        try FileManager.default.moveItem(atPath: saved, toPath: directories[2])

        // Four processes on four hosts.
        try produceLines(30_000)
        try expectAllSucceed(try startCluster([1, 2, 3, 4]), "four hosts")

        let counts = try readAll(["counts"], brokers: brokers).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
        expectExactCounts(counts, truth: text.counts, runLog: log.joined(separator: "\n"))
    }

    private func copyDirectory(_ source: String, to destination: String) throws {
        try FileManager.default.createDirectory(
            atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}
