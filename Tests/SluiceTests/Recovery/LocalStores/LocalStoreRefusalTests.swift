import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// What a cluster with process-local stores refuses, each time naming the
/// process and the cause, never starting over silently (decision 0018).
@Suite(.serialized) struct LocalStoreRefusalTests {
    private static let flowID = "local_refusals"
    private static let words = (0..<600).map { "k\(($0 * 7) % 12)" }

    /// Runs `processes` members once on `hosts`, aborting at `abort`; returns the errors.
    @discardableResult
    private func abortedRun(_ hosts: LocalStoreHosts, processes: Int, scenario: WordCountScenario) throws -> [String] {
        let errors = try hosts.run(processes: processes, workers: 1, flowID: Self.flowID) {
            scenario.flow(Self.flowID, running: TestingSink<String>(), totals: TestingSink<String>())
        }
        #expect(!errors.isEmpty, "the run aborts")
        return errors
    }

    private func resumeErrors(_ hosts: LocalStoreHosts, processes: Int, scenario: WordCountScenario) throws -> [String] {
        try hosts.run(processes: processes, workers: 1, flowID: Self.flowID) {
            scenario.flow(Self.flowID, running: TestingSink<String>(), totals: TestingSink<String>())
        }
    }

    @Test func aWipedMemberStoreIsRefusedNamingTheProcess() throws {
        let hosts = LocalStoreHosts()
        let scenario = WordCountScenario(words: Self.words, aborts: [300])
        try abortedRun(hosts, processes: 2, scenario: scenario)
        try FileManager.default.removeItem(atPath: SQLiteMemberStore.memberDirectory(hosts.root(1), 1))
        let errors = try resumeErrors(hosts, processes: 2, scenario: scenario)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.contains("process 1's store of execution") && $0.contains("is missing") }, "\(errors)")
        #expect(errors.contains { $0.contains("127.0.0.1") }, "the message names the host: \(errors)")
        #expect(
            !FileManager.default.fileExists(atPath: "\(hosts.root(1))/process-1/part-0.sqlite"),
            "no fresh store was made to start over")
    }

    @Test func aStoreOfAnotherFlowIsRefusedNamingItsPath() throws {
        let hosts = LocalStoreHosts()
        let member = SQLiteMemberStore.memberDirectory(hosts.root(1), 1)
        _ = try SQLiteRecoveryStore(directory: member, flowID: "payments")
        let error = #expect(throws: RecoveryStoreError.self) {
            _ = try SQLiteMemberStore(clusterDirectory: hosts.root(1), process: 1, flowID: Self.flowID)
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("process-1/part-0.sqlite") && message.contains("'payments'"), "\(message)")
    }

    @Test func aStoreOfAnotherClusterIsRefusedNamingTheProcessAndPath() throws {
        let hosts = LocalStoreHosts()
        let other = LocalStoreHosts()
        try abortedRun(hosts, processes: 2, scenario: WordCountScenario(words: Self.words, aborts: [300]))
        try abortedRun(other, processes: 2, scenario: WordCountScenario(words: Self.words, aborts: [300]))
        let member = SQLiteMemberStore.memberDirectory(hosts.root(1), 1)
        try FileManager.default.removeItem(atPath: member)
        try FileManager.default.copyItem(atPath: SQLiteMemberStore.memberDirectory(other.root(1), 1), toPath: member)
        let errors = try resumeErrors(hosts, processes: 2, scenario: WordCountScenario(words: Self.words, aborts: []))
        #expect(
            errors.contains { $0.contains("process 1") && $0.contains(member) && $0.contains("another cluster") },
            "\(errors)")
    }

    @Test func aFormerStorePresentTwiceWithDifferentContentsIsRefused() throws {
        let hosts = LocalStoreHosts()
        let scenario = WordCountScenario(words: Self.words, aborts: [200, 400])
        try abortedRun(hosts, processes: 3, scenario: scenario)
        try hosts.copyStore(of: 2, to: 0)
        try abortedRun(hosts, processes: 3, scenario: scenario)
        try hosts.copyStore(of: 2, to: 1)
        let errors = try resumeErrors(hosts, processes: 2, scenario: scenario)
        #expect(errors.contains { $0.contains("present twice with different contents") }, "\(errors)")
    }

    @Test func aTruncatedMemberFileIsRefusedNamingIt() throws {
        let hosts = LocalStoreHosts()
        try abortedRun(hosts, processes: 2, scenario: WordCountScenario(words: Self.words, aborts: [300]))
        let file = "\(SQLiteMemberStore.memberDirectory(hosts.root(1), 1))/part-0.sqlite"
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        #expect(truncate(file, 0) == 0)
        let error = #expect(throws: RecoveryStoreError.self) {
            _ = try SQLiteMemberStore(clusterDirectory: hosts.root(1), process: 1, flowID: Self.flowID)
        }
        #expect(error.map { "\($0)" }?.contains(file) == true, "\(error.map { "\($0)" } ?? "no error")")
    }

    private static let flockTool = ["/usr/bin/flock", "/bin/flock"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: flockTool != nil, "needs flock(1) from util-linux"))
    func aSecondProcessWithTheSameIdAndDirectoryIsRefused() throws {
        let hosts = LocalStoreHosts()
        try FileManager.default.createDirectory(atPath: hosts.root(0), withIntermediateDirectories: true)
        // Another process holds process 0's lock, as a second copy of process 0 would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Self.flockTool!)
        // It holds the lock until its input closes (`read` returns), bounded by the timeout.
        holder.arguments = ["-x", "\(hosts.root(0))/.process-0.lock", "-c", "echo locked; read -t 60 line"]
        let output = Pipe()
        let input = Pipe()
        holder.standardOutput = output
        holder.standardInput = input
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        #expect(output.fileHandleForReading.readData(ofLength: 7) == Data("locked\n".utf8.prefix(7)))
        let error = #expect(throws: RecoveryStoreError.self) {
            _ = try SQLiteMemberStore(clusterDirectory: hosts.root(0), process: 0, flowID: Self.flowID)
        }
        #expect(error.map { "\($0)" }?.contains("\(hosts.root(0))/process-0' is in use by another process") == true,
                "\(String(describing: error))")
    }

    @Test func optionsWithAClusterOpenTheProcesssOwnStore() throws {
        let hosts = LocalStoreHosts()
        let options = try SluiceOptions.parse(["-r", hosts.root(0), "-i", "1", "-a", "127.0.0.1:7101;127.0.0.1:7102"])
        let configuration = try options.configuration(for: Dataflow(Self.flowID), environment: [:])
        let store = try #require(configuration.recoveryStore as? SQLiteMemberStore)
        #expect(store.directory == "\(hosts.root(0))/process-1")
    }
}
