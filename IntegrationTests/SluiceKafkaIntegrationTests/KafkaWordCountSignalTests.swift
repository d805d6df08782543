import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// Signals to the members of a `kafka-word-count` cluster (separate OS
/// processes with a recovery directory, on the embedded broker), as a
/// Kubernetes rolling update sends them: one SIGTERM to any one member stops
/// every member gracefully (exit 0) and a restart resumes exactly; a second
/// signal exits at once; a random mix of SIGTERM and `kill -9` keeps every
/// word's count exact.
@Suite(.serialized, .onOwnThread) struct KafkaWordCountSignalTests {
    static let inputStep = StepID("kafka_word_count.lines")
    static let flowID = "kafka_word_count"

    /// One cluster run's members, as child processes.
    private struct Cluster {
        let members: [ChildProcess]
        var stderr: String { members.enumerated().map { "process \($0): \($1.stderr)" }.joined(separator: "\n") }
    }

    /// The input, output and recovery directory of one test.
    private struct Job {
        let broker: TestBroker
        let input: String
        let output: String
        let directory: String
        /// Each process keeps its own store, directory/process-<p> (decision 0018).
        let probe: ClusterDirectoryProbe
        var text = GeneratedWordText()

        init(name: String) throws {
            broker = try TestBroker()
            input = try broker.topic("\(name)-lines", partitions: 4)
            output = try broker.topic("\(name)-counts", partitions: 8)
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(name)-\(UUID().uuidString)").path
            probe = ClusterDirectoryProbe(directory: directory, flowID: KafkaWordCountSignalTests.flowID)
        }

        mutating func produceLines(_ count: Int) throws {
            try produce(
                text.nextLines(count).enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 4)) },
                to: input, on: broker)
        }

        /// Lines read as of the committed snapshot.
        func committedLines() throws -> Int64 {
            probe.committedStates(of: KafkaWordCountSignalTests.inputStep, as: Int64.self).values.reduce(0, +)
        }

        /// Starts a 2-process cluster; `tail` keeps it reading after the input's end.
        func startCluster(tail: Bool) throws -> Cluster {
            let addresses = try LoopbackPorts.free(2).map { "127.0.0.1:\($0)" }.joined(separator: ";")
            let executable = try BuiltExecutable.url(named: "kafka-word-count")
            return Cluster(
                members: try (0..<2).map { index in
                    try ChildProcess(
                        executable,
                        [
                            "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input,
                            "--output-topic", output, "-r", directory, "-s", "0.1", "--epoch-interval", "0.05",
                            "-w", "1", "-i", "\(index)", "-a", addresses,
                        ] + (tail ? ["--tail"] : []))
                })
        }

        /// Waits until the store committed more than `lines` lines (true),
        /// or a member ended on its own (false).
        func awaitCommittedProgress(beyond lines: Int64, of cluster: Cluster) throws -> Bool {
            let giveUp = ContinuousClock.now + .seconds(60)
            var epoch = probe.committedEpoch()
            while !cluster.members.contains(where: \.hasExited) {
                if case let committed = probe.committedEpoch(), committed != epoch {
                    epoch = committed
                    if try committedLines() > lines { return true }
                }
                try #require(ContinuousClock.now < giveUp, "no progress beyond line \(lines) in 60 s: \(cluster.stderr)")
                Thread.sleep(forTimeInterval: 0.005)
            }
            return false
        }

        /// Runs the cluster to the end of the input and checks every word's counts.
        func finishAndCheck(runLog: String) throws {
            let last = try startCluster(tail: false)
            for (index, member) in last.members.enumerated() {
                let exit = try member.waitForExit(timeout: .seconds(120))
                #expect(exit == ChildProcess.Exit(exited: true, status: 0), "last run, process \(index): \(exit); \(member.stderr)")
            }
            let counts = try readAll(output, on: broker).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
            expectExactCounts(counts, truth: text.counts, runLog: runLog + "\n" + last.stderr)
            try broker.assertNoDroppedData()
        }
    }

    @Test(arguments: [0, 1])
    func oneSIGTERMToOneMemberStopsTheWholeClusterAndARestartResumesExactly(member: Int) throws {
        var job = try Job(name: "sigterm-\(member)")
        defer { try? FileManager.default.removeItem(atPath: job.directory) }
        try job.produceLines(4_000)
        // Tailing: without the stop reaching every member, none would ever end.
        let cluster = try job.startCluster(tail: true)
        _ = try job.awaitCommittedProgress(beyond: 0, of: cluster)
        cluster.members[member].send(SIGTERM)
        for (index, child) in cluster.members.enumerated() {
            let exit = try child.waitForExit(timeout: .seconds(30))
            #expect(exit == ChildProcess.Exit(exited: true, status: 0), "process \(index): \(exit); \(child.stderr)")
        }
        let other = cluster.members[1 - member]
        #expect(other.stderr.contains("process \(member) was asked to stop"), "\(other.stderr)")
        // The stop snapshot is committed: every member ended its execution there.
        let last = try #require(try job.probe.lastExecution(), "no progress rows")
        #expect(last.workersEnded == last.workerCount, "\(last)")

        try job.produceLines(2_000)
        try job.finishAndCheck(runLog: cluster.stderr)
    }

    /// `systemctl stop` on every host, or deleting every pod at once: each
    /// member gets its own SIGTERM about when the other's stop message
    /// arrives. A stop message is not a first signal of its own, so neither
    /// member takes its own SIGTERM for a second one.
    @Test func aSIGTERMToEveryMemberAtOnceStopsThemAllCleanly() throws {
        var job = try Job(name: "sigterm-all")
        defer { try? FileManager.default.removeItem(atPath: job.directory) }
        try job.produceLines(4_000)
        for round in 1...3 {
            let cluster = try job.startCluster(tail: true)
            _ = try job.awaitCommittedProgress(beyond: try job.committedLines() - 1, of: cluster)
            for member in cluster.members { member.send(SIGTERM) }
            for (index, child) in cluster.members.enumerated() {
                let exit = try child.waitForExit(timeout: .seconds(30))
                #expect(exit == ChildProcess.Exit(exited: true, status: 0), "round \(round), process \(index): \(exit); \(child.stderr)")
            }
        }
        try job.produceLines(1_000)
        try job.finishAndCheck(runLog: "")
    }

    @Test func aSecondSignalExitsAtOnce() throws {
        var job = try Job(name: "second-signal")
        defer { try? FileManager.default.removeItem(atPath: job.directory) }
        try job.produceLines(2_000)
        let cluster = try job.startCluster(tail: true)
        defer { for member in cluster.members where !member.hasExited { member.send(SIGKILL) } }
        _ = try job.awaitCommittedProgress(beyond: 0, of: cluster)
        // Process 1 is frozen, so process 0's graceful stop cannot finish (it
        // would fail once process 1 counts as lost, after 5 s of silence).
        cluster.members[1].send(SIGSTOP)
        cluster.members[0].send(SIGTERM)
        try cluster.members[0].waitFor("the first signal's notice") { _, stderr in stderr.contains("sluice: stopping") }
        cluster.members[0].send(SIGTERM)
        let exit = try cluster.members[0].waitForExit(timeout: .seconds(30))
        #expect(exit == ChildProcess.Exit(exited: true, status: 128 + SIGTERM), "\(exit); \(cluster.members[0].stderr)")
        cluster.members[1].send(SIGCONT)
        // Process 1 wakes with process 0's stop request and its closed
        // connection both waiting: it fails naming the lost peer (1), or it
        // read the stop first and stopped as asked (0). Either way it exits.
        let other = try cluster.members[1].waitForExit(timeout: .seconds(30))
        #expect(
            [ChildProcess.Exit(exited: true, status: 1), ChildProcess.Exit(exited: true, status: 0)].contains(other),
            "\(other); \(cluster.members[1].stderr)")
    }

    /// Rounds of a random signal (SIGTERM or SIGKILL) to a random member at a
    /// random moment after committed progress, until 10 signals landed while
    /// the cluster ran; then a last run to the end of the input.
    @Test func aMixOfSIGTERMAndKillAtRandomMomentsKeepsEveryCountExact() throws {
        var job = try Job(name: "signal-mix")
        defer { try? FileManager.default.removeItem(atPath: job.directory) }
        try job.produceLines(20_000)
        var runLog: [String] = []
        var landed = 0
        var round = 0
        while landed < 10 {
            round += 1
            try #require(round <= 30, "only \(landed) of 10 signals landed in 30 rounds:\n\(runLog.joined(separator: "\n"))")
            let before = try job.committedLines()
            while job.text.totalLines - Int(before) < 15_000 { try job.produceLines(10_000) }
            let cluster = try job.startCluster(tail: false)
            var entry = "round \(round): from line \(before)"
            let running = try job.awaitCommittedProgress(beyond: before, of: cluster)
            if running { Thread.sleep(forTimeInterval: Double.random(in: 0..<0.1)) }  // the random moment, not a synchronization
            let victim = Int.random(in: 0...1)
            let signal = Bool.random() ? SIGTERM : SIGKILL
            if running { cluster.members[victim].send(signal) }
            let exits = try cluster.members.map { try $0.waitForExit(timeout: .seconds(30)) }
            let killed = exits[victim] == ChildProcess.Exit(exited: false, status: SIGKILL)
            let stopped = signal == SIGTERM && cluster.members[victim].stderr.contains("sluice: stopping (signal \(SIGTERM))")
            entry += running ? ", \(signal == SIGTERM ? "SIGTERM" : "SIGKILL") to process \(victim)" : ", no signal"
            entry += ": \(exits)\(killed || stopped ? "" : " (the run had ended)"), committed up to line \(try job.committedLines())"
            runLog.append(entry)
            if killed {
                landed += 1
                // The survivor fails naming the lost member, unless it had already finished.
                let survivor = cluster.members[1 - victim]
                if exits[1 - victim] != ChildProcess.Exit(exited: true, status: 0) {
                    try #require(exits[1 - victim] == ChildProcess.Exit(exited: true, status: 1), "\(entry): \(survivor.stderr)")
                    #expect(survivor.stderr.contains("process \(victim)"), "\(entry): \(survivor.stderr)")
                }
            } else {
                if stopped { landed += 1 }
                // A graceful stop, or the end of the input: every member exits 0.
                for (index, exit) in exits.enumerated() {
                    try #require(exit == ChildProcess.Exit(exited: true, status: 0), "\(entry); process \(index): \(cluster.members[index].stderr)")
                }
            }
        }
        print("signal mix: " + runLog.joined(separator: "\n"))
        try job.finishAndCheck(runLog: runLog.joined(separator: "\n"))
    }
}
