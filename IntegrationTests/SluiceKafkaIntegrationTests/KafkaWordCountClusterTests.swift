import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTestSupport
import Testing

/// The `kafka-word-count` example as a cluster of separate OS processes on
/// 127.0.0.1, on the embedded broker (which lives in this test process):
/// every input partition read by exactly one worker, exact counts, and
/// fail-fast plus exactly-once resume when one process is killed.
@Suite(.serialized, .onOwnThread) struct KafkaWordCountClusterTests {
    static let flowID = "kafka_word_count"
    static let inputStep = StepID("kafka_word_count.lines")

    /// Produces `lines` round robin over `partitions` partitions of `topic`.
    private func produceLines(_ lines: [String], to topic: String, partitions: Int, on broker: TestBroker) throws {
        try produce(
            lines.enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % partitions)) },
            to: topic, on: broker)
    }

    @Test(arguments: [2, 3])
    func asSeveralProcessesEveryPartitionIsReadOnceAndTheCountsAreExact(processes: Int) throws {
        let broker = try TestBroker()
        let input = try broker.topic("cluster-lines-\(processes)", partitions: 6)
        let output = try broker.topic("cluster-counts-\(processes)", partitions: 4)
        var text = GeneratedWordText()
        try produceLines(text.nextLines(4_000), to: input, partitions: 6, on: broker)

        let child = try ChildProcess(
            try BuiltExecutable.url(named: "kafka-word-count"),
            [
                "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input, "--output-topic", output,
                "--processes", "\(processes)", "-w", "1", "--epoch-interval", "0.2",
            ])
        let exit = try child.waitForExit(timeout: .seconds(90))
        try #require(exit == ChildProcess.Exit(exited: true, status: 0), "\(exit); stderr: \(child.stderr)")

        let counts = try readAll(output, on: broker).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
        // Without a restart every running count is written exactly once: a
        // partition read twice would write counts beyond the true count.
        #expect(counts.count == text.totalWords, "count messages: \(counts.count), words: \(text.totalWords)")
        #expect(duplicates(counts.map { "\($0.word)=\($0.count)" }).isEmpty)
        expectExactCounts(counts, truth: text.counts, runLog: child.stderr)
        try broker.assertNoDroppedData()
    }

    @Test func aKilledProcessStopsTheOthersNamingItAndARestartResumesExactlyOnce() throws {
        let broker = try TestBroker()
        let input = try broker.topic("killed-lines", partitions: 6)
        let output = try broker.topic("killed-counts", partitions: 6)
        var text = GeneratedWordText()
        // More than the cluster reads between its first snapshot and the kill.
        try produceLines(text.nextLines(60_000), to: input, partitions: 6, on: broker)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-cluster-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Each process keeps its own store, directory/process-<p> (decision 0018).
        let probe = ClusterDirectoryProbe(directory: directory, flowID: Self.flowID)
        let executable = try BuiltExecutable.url(named: "kafka-word-count")
        func startCluster() throws -> [ChildProcess] {
            let addresses = try LoopbackPorts.free(3).map { "127.0.0.1:\($0)" }.joined(separator: ";")
            return try (0..<3).map { index in
                try ChildProcess(
                    executable,
                    [
                        "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input,
                        "--output-topic", output, "-r", directory, "-s", "0.1", "--epoch-interval", "0.05",
                        "-w", "1", "-i", "\(index)", "-a", addresses,
                    ])
            }
        }

        let first = try startCluster()
        // The kill comes once the cluster has committed some input.
        let giveUp = ContinuousClock.now + .seconds(60)
        while probe.committedStates(of: Self.inputStep, as: Int64.self).values.reduce(0, +) == 0 {
            try #require(ContinuousClock.now < giveUp, "nothing committed in 60 s; stderr: \(first.map(\.stderr))")
            let ended = first.filter(\.hasExited).count
            try #require(ended == 0, "a process ended before the kill: \(first.map(\.stderr))")
            Thread.sleep(forTimeInterval: 0.01)
        }
        first[1].send(SIGKILL)
        let killedAt = ContinuousClock.now
        let killed = try first[1].waitForExit(timeout: .seconds(10))
        #expect(killed == ChildProcess.Exit(exited: false, status: SIGKILL))
        for index in [0, 2] {
            let exit = try first[index].waitForExit(timeout: .seconds(10))
            #expect(exit == ChildProcess.Exit(exited: true, status: 1), "process \(index): \(exit)")
            #expect(first[index].stderr.contains("process 1"), "process \(index) does not name the lost process: \(first[index].stderr)")
        }
        print("cluster kill test: the other processes exited \(ContinuousClock.now - killedAt) after the kill")

        let second = try startCluster()
        for (index, child) in second.enumerated() {
            let exit = try child.waitForExit(timeout: .seconds(120))
            #expect(exit == ChildProcess.Exit(exited: true, status: 0), "restarted process \(index): \(exit); \(child.stderr)")
        }
        let counts = try readAll(output, on: broker).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
        expectExactCounts(counts, truth: text.counts, runLog: second.map(\.stderr).joined(separator: "\n"))
        try broker.assertNoDroppedData()
    }
}
