import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// A damaged store stops the real binary instead of counting again from 1:
/// `kafka-word-count` (one worker, a recovery directory of 4 files) is
/// killed with SIGKILL once it has committed a few epochs, the write-ahead
/// log of the file its worker writes is deleted, and the restarted program
/// must exit 1 naming that file, without writing any count.
@Suite(.onOwnThread) struct KafkaWordCountDamagedStoreTests {
    @Test func aRestartAfterAKillAndADeletedWriteAheadLogIsRefusedNamingTheFile() throws {
        let broker = try TestBroker()
        let input = try broker.topic("damage-lines", partitions: 2)
        let output = try broker.topic("damage-counts", partitions: 2)
        var text = GeneratedWordText()
        try produceLines(text.nextLines(40_000), to: input, on: broker)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-damage-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = try BuiltExecutable.url(named: "kafka-word-count")
        let arguments = [
            "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input, "--output-topic", output,
            "-r", directory, "-s", "0.1", "--epoch-interval", "0.05", "-w", "1",
        ]

        // Kill until part-0's last commits live only in its write-ahead log (a
        // checkpoint landing just before the kill would leave nothing to lose).
        var lost: (committed: UInt64, inFileAlone: Int64)?
        for attempt in 1...5 where lost == nil {
            let before = try committedEpoch(directory) ?? 0
            let child = try ChildProcess(executable, arguments)
            let giveUp = ContinuousClock.now + .seconds(30)
            while !child.hasExited, try (committedEpoch(directory) ?? 0) < before + 3 {
                try #require(ContinuousClock.now < giveUp, "attempt \(attempt) committed nothing in 30 s: \(child.stderr)")
                Thread.sleep(forTimeInterval: 0.005)  // polling the store, not a synchronization
            }
            child.send(SIGKILL)
            let exit = try child.waitForExit(timeout: .seconds(30))
            if exit == ChildProcess.Exit(exited: true, status: 0) {  // it read everything first: give it more
                try produceLines(text.nextLines(40_000), to: input, on: broker)
                continue
            }
            try #require(exit == ChildProcess.Exit(exited: false, status: SIGKILL), "\(exit): \(child.stderr)")
            let committed = try #require(try committedEpoch(directory))
            let alone = try progressWithoutWriteAheadLog("\(directory)/part-0.sqlite")
            if alone < Int64(committed) { lost = (committed, alone) }
        }
        try #require(lost != nil, "in 5 kills, part-0's commits were always checkpointed just before the kill")

        let countsBefore = try readAll(output, on: broker).count
        try FileManager.default.removeItem(atPath: "\(directory)/part-0.sqlite-wal")
        let restarted = try ChildProcess(executable, arguments)
        let exit = try restarted.waitForExit(timeout: .seconds(30))
        #expect(exit == ChildProcess.Exit(exited: true, status: 1), "\(exit): \(restarted.stderr)")
        #expect(restarted.stderr.contains("\(directory)/part-0.sqlite"), "\(restarted.stderr)")
        #expect(restarted.stderr.contains("lost committed epoch"), "\(restarted.stderr)")
        #expect(try readAll(output, on: broker).count == countsBefore, "the refused run wrote counts")
    }

    /// Produces `lines` round robin over the input's 2 partitions.
    private func produceLines(_ lines: [String], to topic: String, on broker: TestBroker) throws {
        try produce(
            lines.enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 2)) }, to: topic, on: broker)
    }

    /// The committed epoch, read-only (nil before the store exists or commits).
    private func committedEpoch(_ directory: String) throws -> UInt64? {
        guard FileManager.default.fileExists(atPath: "\(directory)/part-0.sqlite") else { return nil }
        return try SQLiteRecoveryStore.inspect(directory: directory).committedEpoch
    }

    /// The last epoch a file's progress holds when read without its
    /// write-ahead log (a copy of the database file alone).
    private func progressWithoutWriteAheadLog(_ path: String) throws -> Int64 {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-damage-copy-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.copyItem(atPath: path, toPath: "\(scratch)/alone.sqlite")
        let db = try SQLiteConnection(path: "\(scratch)/alone.sqlite", options: .init(readOnly: true))
        return try db.scalarInt("SELECT max(epoch) FROM progress") ?? -1
    }
}
