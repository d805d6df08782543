import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// Exactly-once resume under `kill -9`, end to end: the `kafka-word-count`
/// example runs as a child process with a SQLite recovery directory and is
/// killed (SIGKILL) at random moments, then restarted with the same
/// directory, until a last run completes. The broker lives in this process.
///
/// Sizes: each run reads at least one 1,000-line batch per input partition
/// before its first snapshot commits, and ~7,500 lines in all before its
/// kill, so 20 kills take ~160,000 lines (~1M words); the test keeps a
/// backlog of unread lines topped up rather than guessing the total.
@Suite(.onOwnThread) struct KafkaWordCountCrashTests {
    /// How many times the child is killed.
    static let kills = 20
    /// Lines produced before the first run.
    static let initialLines = 25_000
    /// Unread lines every run starts with, at least: more than a run reads
    /// before its kill, so that runs do not end on their own.
    static let minimumBacklog = 12_000
    /// Lines appended at a time to keep up the backlog.
    static let extraLines = 10_000
    /// The kill comes this long at most after the run's first committed
    /// progress: up to one and a half snapshot intervals (`-s 0.1`), so kills
    /// land anywhere in a snapshot cycle (processing, an epoch barrier, the
    /// sink's flush, the SQLite commit).
    static let maximumKillDelay = 0.15
    /// Bounds the kill loop; the whole test takes ~25 s on a 2-core machine.
    static let loopBound: Duration = .seconds(150)

    static let flowID = "kafka_word_count"
    static let inputStep = StepID("kafka_word_count.lines")
    static let countStep = StepID("kafka_word_count.count")

    @Test func killedAtRandomMomentsAndRestartedCountsEveryWordExactlyOnce() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let broker = try TestBroker()
        // Input partitions get ~42,000 lines of ~30 bytes each; output
        // partitions at most ~210,000 short count messages (replays
        // included; a partition overflowed at ~550,000): all under the
        // embedded broker's ~5 MiB per partition, which
        // `assertNoDroppedData` checks at the end.
        let input = try broker.topic("crash-lines", partitions: 4)
        let output = try broker.topic("crash-counts", partitions: 8)
        var text = GeneratedWordText()
        try produceLines(text.nextLines(Self.initialLines), to: input, on: broker)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let probe = try RecoveryDirectoryProbe(directory: directory, flowID: Self.flowID)
        let executable = try BuiltExecutable.url(named: "kafka-word-count")
        /// Runs cycle through 2, 1 and 3 workers, so they also resume with another worker count.
        func workers(run: Int) -> Int { [3, 2, 1][run % 3] }
        func arguments(run: Int) -> [String] {
            [
                "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input, "--output-topic", output,
                "-r", directory, "-s", "0.1", "--epoch-interval", "0.05", "-w", String(workers(run: run)),
            ]
        }

        var kills = 0
        var runs = 0
        var runLog: [String] = []
        let loopDeadline = clock.now + Self.loopBound
        while kills < Self.kills {
            guard clock.now < loopDeadline else {
                Issue.record("only \(kills) kills in \(Self.loopBound); runs:\n\(runLog.joined(separator: "\n"))")
                return
            }
            let linesBefore = try committedLines(probe)
            // Every run starts with a backlog it cannot finish before its kill.
            while text.totalLines - Int(linesBefore) < Self.minimumBacklog {
                try produceLines(text.nextLines(Self.extraLines), to: input, on: broker)
            }
            runs += 1
            let child = try ChildProcess(executable, arguments(run: runs))
            var entry = "run \(runs) (\(workers(run: runs)) workers): from line \(linesBefore)"
            if try awaitCommittedProgress(of: child, beyond: linesBefore, probe: probe, run: runs, log: runLog) {
                let delay = Double.random(in: 0..<Self.maximumKillDelay)
                Thread.sleep(forTimeInterval: delay)  // the random moment, not a synchronization
                child.send(SIGKILL)
                entry += ", SIGKILL \(String(format: "%.3f", delay)) s after its first commit"
            }
            let exit = try child.waitForExit(timeout: .seconds(30))
            runLog.append(entry + ", \(exit), committed up to line \(try committedLines(probe))")
            if exit == ChildProcess.Exit(exited: false, status: SIGKILL) {
                kills += 1
            } else if exit != ChildProcess.Exit(exited: true, status: 0) {  // exit 0: it read its backlog before the kill
                Issue.record("run \(runs) ended with \(exit); stderr: \(child.stderr)\nruns:\n\(runLog.joined(separator: "\n"))")
                return
            }
        }

        runs += 1
        let lastRun = try ChildProcess(executable, arguments(run: runs))
        let lastExit = try lastRun.waitForExit(timeout: .seconds(60))
        try #require(
            lastExit == ChildProcess.Exit(exited: true, status: 0), "the last run ended with \(lastExit): \(lastRun.stderr)")
        let runsTook = clock.now - started

        let counts = try readAll(output, on: broker).map { message in
            (word: message.keyText ?? "", count: Int(message.text) ?? -1)
        }
        print(
            "crash test: \(kills) kills in \(runs) runs over \(text.totalLines) lines (\(text.totalWords) words); "
                + "\(counts.count) count messages (\(counts.count - text.totalWords) written again after resumes); "
                + "runs took \(runsTook), the whole test \(clock.now - started)")

        let log = runLog.joined(separator: "\n")
        expectExactCounts(counts, truth: text.counts, runLog: log)
        try broker.assertNoDroppedData()
        try expectSoundStore(probe, truth: text.counts, input: input, broker: broker)
    }

    /// Produces `lines` round robin over the input's 4 partitions.
    private func produceLines(_ lines: [String], to topic: String, on broker: TestBroker) throws {
        try produce(
            lines.enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 4)) }, to: topic, on: broker)
    }

    /// Lines consumed as of the committed snapshot: the sum of the input's
    /// committed offsets (each partition starts at offset 0).
    private func committedLines(_ probe: RecoveryDirectoryProbe) throws -> Int64 {
        try probe.committedStates(of: Self.inputStep, as: Int64.self).values.reduce(0, +)
    }

    /// Waits until the store has committed more input than `lines` (true),
    /// or the child has ended on its own (false); fails after 30 s.
    private func awaitCommittedProgress(
        of child: ChildProcess, beyond lines: Int64, probe: RecoveryDirectoryProbe, run: Int, log: [String]
    ) throws -> Bool {
        let giveUp = ContinuousClock.now + .seconds(30)
        var epoch = try probe.committedEpoch()
        while !child.hasExited {
            // The offsets cost more to read than the epoch: only after a new commit.
            if case let committed = try probe.committedEpoch(), committed != epoch {
                epoch = committed
                if try committedLines(probe) > lines { return true }
            }
            guard ContinuousClock.now < giveUp else {
                let earlier = log.joined(separator: "\n")
                Issue.record("run \(run) committed nothing beyond line \(lines) in 30 s; stderr: \(child.stderr)\nearlier runs:\n\(earlier)")
                throw TestStopped()
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// The recovery directory after the last run: sound files of this flow,
    /// a resume point at the last execution's final epoch, holding every
    /// input offset at the end of its partition and every word's true count.
    private func expectSoundStore(
        _ probe: RecoveryDirectoryProbe, truth: [String: Int], input: String, broker: TestBroker
    ) throws {
        #expect(try probe.fileProblems() == [])
        let reopened = try SQLiteRecoveryStore(directory: probe.directory, flowID: Self.flowID)
        let resume = try #require(try reopened.resumePoint(), "the store has no resume point")
        let last = try #require(try probe.lastExecution(), "the store has no progress rows")
        #expect(last.workersWritten == last.workerCount && last.workersEnded == last.workerCount, "\(last)")
        #expect(resume.epoch == last.epoch, "the committed epoch is not the last run's final epoch \(last.epoch)")

        let ends = try KafkaAdmin.watermarks(of: input, brokers: broker.brokers)
        let expectedOffsets = Dictionary(uniqueKeysWithValues: ends.map { ("\($0.key)-\(input)", $0.value.high) })
        #expect(try probe.committedStates(of: Self.inputStep, as: Int64.self) == expectedOffsets)
        let stored = try probe.committedStates(of: Self.countStep, as: Int.self)
        #expect(stored.count == truth.count)
        #expect(stored == truth, "the stored counts differ from the true counts")
    }
}
