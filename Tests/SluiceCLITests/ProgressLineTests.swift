import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// A finite run of a real example shows its progress line on standard error
/// when that is a terminal (a pseudo-terminal from util-linux's `script`),
/// and not when it is a pipe (unless `--progress always`).
@Suite(.onOwnThread) struct ProgressLineTests {
    private static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    /// A text file of `lines` lines in a fresh directory.
    private func input(lines: Int) throws -> (directory: String, file: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = (0..<lines).map { "word\($0 % 100) other\($0 % 7) line \($0)" }.joined(separator: "\n") + "\n"
        try text.write(toFile: "\(directory)/in.txt", atomically: true, encoding: .utf8)
        return (directory, "\(directory)/in.txt")
    }

    /// 1234567 → "1,234,567", as the line writes numbers.
    private static func grouped(_ value: Int) -> String {
        var text = String(value)
        var index = text.count - 3
        while index > 0 {
            text.insert(",", at: text.index(text.startIndex, offsetBy: index))
            index -= 3
        }
        return text
    }

    private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test(.enabled(if: hasScript, "needs util-linux's script for a pseudo-terminal"))
    func aFiniteFileRunOnATerminalShowsTheLine() throws {
        let (directory, file) = try input(lines: 200_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = try BuiltExecutable.url(named: "word-count")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        let command = [executable.path, "--input", file, "--output", "\(directory)/out.txt", "-w", "2"].map(quoted)
            .joined(separator: " ")
        // script runs the command on a pseudo-terminal and copies what it
        // writes there (stdout and stderr) to its own stdout.
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
        let exit = try child.waitForExit(timeout: .seconds(120))
        #expect(exit == .init(exited: true, status: 0), "stdout: \(child.stdout) stderr: \(child.stderr)")
        let shown = child.stdout
        #expect(shown.contains("\rsluice: "), "\(shown.debugDescription)")
        let grouped = Self.grouped(size)
        #expect(shown.contains("100% read (\(grouped) of \(grouped) bytes)"), "\(shown.debugDescription)")
        #expect(shown.contains("/s"), "a rate: \(shown.debugDescription)")
        // The counts themselves went to the file, complete.
        let counts = try String(contentsOfFile: "\(directory)/out.txt", encoding: .utf8)
        #expect(counts.split(separator: "\n").contains("line 200000"))
    }

    @Test(.enabled(if: hasScript, "needs util-linux's script for a pseudo-terminal"))
    func aFiniteKafkaRunOnATerminalCountsTheMessagesUpToTheEndOffsets() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("lines", partitions: 4)
        try kafka.createTopic("counts", partitions: 4)
        let brokers = [kafka.bootstrapServers]
        let produce = Dataflow("produce_lines")
        let lines = (0..<4_000).map { KafkaSinkMessage(key: nil, value: "word\($0 % 50) line") }
        produce.input("lines", TestingSource(lines, batchSize: 100)).output("kafka", KafkaSink(brokers: brokers, topic: "lines"))
        try run(produce, workers: 1)

        let command = [
            try BuiltExecutable.url(named: "kafka-word-count").path, "--brokers", kafka.bootstrapServers,
            "--input-topic", "lines", "--output-topic", "counts", "-w", "2",
        ].map(quoted).joined(separator: " ")
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
        let exit = try child.waitForExit(timeout: .seconds(120))
        #expect(exit == .init(exited: true, status: 0), "stdout: \(child.stdout)")
        #expect(child.stdout.contains("\rsluice: 100% read (4,000 of 4,000 messages)"), "\(child.stdout.debugDescription)")
    }

    @Test func noLineWhenStandardErrorIsAPipe() throws {
        let (directory, file) = try input(lines: 50_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "word-count"), ["--input", file, "--output", "\(directory)/out.txt"])
        let exit = try child.waitForExit(timeout: .seconds(120))
        #expect(exit == .init(exited: true, status: 0), "stderr: \(child.stderr)")
        #expect(!child.stderr.contains("sluice: "), "\(child.stderr.debugDescription)")
        #expect(!child.stderr.contains("\r"))
    }

    @Test func progressAlwaysShowsItEvenOnAPipe() throws {
        let (directory, file) = try input(lines: 1_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "word-count"),
            ["--input", file, "--output", "\(directory)/out.txt", "--progress", "always"])
        let exit = try child.waitForExit(timeout: .seconds(120))
        #expect(exit == .init(exited: true, status: 0), "stderr: \(child.stderr)")
        #expect(child.stderr.contains("\rsluice: 100% read"), "\(child.stderr.debugDescription)")
        #expect(child.stderr.hasSuffix("\n"), "the line is ended")
    }

    @Test func progressNeverHidesItOnATerminalAndABadValueIsRefused() throws {
        let (directory, file) = try input(lines: 1_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = try BuiltExecutable.url(named: "word-count")
        if Self.hasScript {
            let command = [executable.path, "--input", file, "--output", "\(directory)/out.txt", "--progress", "never"]
                .map(quoted).joined(separator: " ")
            let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
            let exit = try child.waitForExit(timeout: .seconds(120))
            #expect(exit == .init(exited: true, status: 0))
            #expect(!child.stdout.contains("sluice: "), "\(child.stdout.debugDescription)")
        }
        let bad = try ChildProcess(executable, ["--input", file, "--progress", "sometimes"])
        let exit = try bad.waitForExit(timeout: .seconds(60))
        #expect(exit != .init(exited: true, status: 0))
        #expect(bad.stderr.contains("--progress") && bad.stderr.contains("sometimes"), "\(bad.stderr)")
    }
}
