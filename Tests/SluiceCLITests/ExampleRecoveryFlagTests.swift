import Foundation
import SluiceTestSupport
import Testing

/// Every example honours `-r`: a second run over the same input with the
/// same recovery directory resumes after what the first run read.
@Suite(.onOwnThread) struct ExampleRecoveryFlagTests {
    @Test func wordCountResumesFromItsRecoveryDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wc-recovery-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = "\(directory)/in.txt"
        try "a b a\nc a\n".write(toFile: input, atomically: true, encoding: .utf8)
        let executable = try BuiltExecutable.url(named: "word-count")
        func run(output: String) throws -> String {
            let child = try ChildProcess(executable, ["--input", input, "--output", output, "-r", "\(directory)/recovery"])
            let exit = try child.waitForExit(timeout: .seconds(60))
            try #require(exit == .init(exited: true, status: 0), "stderr: \(child.stderr)")
            return try String(contentsOfFile: output, encoding: .utf8)
        }
        #expect(try run(output: "\(directory)/first.txt").split(separator: "\n").sorted() == ["a 3", "b 1", "c 1"])
        #expect(FileManager.default.fileExists(atPath: "\(directory)/recovery/part-0.sqlite"))
        // Everything was read and committed: the resumed run reads nothing again.
        #expect(try run(output: "\(directory)/second.txt") == "")
    }

    @Test func anomalyDetectorOpensItsRecoveryDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ad-recovery-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "anomaly-detector"), ["--count", "5", "--interval-ms", "1", "-r", directory])
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == .init(exited: true, status: 0), "stderr: \(child.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/part-0.sqlite"), "no store in \(directory)")
    }
}
