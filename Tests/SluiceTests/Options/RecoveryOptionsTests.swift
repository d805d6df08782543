import ArgumentParser
import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

@Suite struct RecoveryOptionsTests {
    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-r-\(UUID())").path
    }

    private func flow(_ totals: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("options_recovery")
        flow.input("words", TestingSource(["a", "b", "a"]))
            .keyOn("key") { $0 }
            .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
            .map("fmt") { "\($0.key)=\($0.value)" }
            .output("out", totals)
        return flow
    }

    @Test func theFlagOpensARecoveryStoreAndASecondRunReadsNothingTwice() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try SluiceOptions.parse(["-r", directory, "-w", "2"])
        let totals = TestingSink<String>()
        let first = flow(totals)
        let configuration = try options.configuration(for: first, environment: [:])
        #expect(configuration.recoveryStore != nil)
        try run(first, configuration: configuration)
        #expect(totals.items.sorted() == ["a=2", "b=1"])
        #expect(FileManager.default.fileExists(atPath: "\(directory)/part-0.sqlite"))

        let again = TestingSink<String>()
        let second = flow(again)
        try run(second, configuration: try options.configuration(for: second, environment: [:]))
        #expect(again.items.isEmpty, "the second run resumed where the first ended")
    }

    @Test func theEnvironmentFormWorksAndTheFlagWins() throws {
        let fromEnv = temporaryDirectory()
        let fromFlag = temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: fromEnv)
            try? FileManager.default.removeItem(atPath: fromFlag)
        }
        let sink = TestingSink<String>()
        _ = try SluiceOptions.parse([]).configuration(for: flow(sink), environment: ["SLUICE_RECOVERY_DIRECTORY": fromEnv])
        #expect(FileManager.default.fileExists(atPath: "\(fromEnv)/part-0.sqlite"))
        _ = try SluiceOptions.parse(["--recovery-directory", fromFlag])
            .configuration(for: flow(sink), environment: ["SLUICE_RECOVERY_DIRECTORY": "/nonexistent/should/not/be/used"])
        #expect(FileManager.default.fileExists(atPath: "\(fromFlag)/part-0.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/should/not/be/used"))
    }

    @Test func withoutADirectoryThereIsNoRecovery() throws {
        let configuration = try SluiceOptions.parse([]).configuration(for: flow(TestingSink()), environment: [:])
        #expect(configuration.recoveryStore == nil)
    }

    @Test func aDirectoryOfAnotherFlowIsRefused() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try SluiceOptions.parse(["-r", directory]).configuration(for: Dataflow("other_flow"), environment: [:])
        #expect(throws: (any Error).self) {
            _ = try SluiceOptions.parse(["-r", directory]).configuration(for: flow(TestingSink()), environment: [:])
        }
    }

    /// The store the options open for `flow`.
    private func store(_ arguments: [String], environment: [String: String] = [:]) throws -> SQLiteRecoveryStore {
        let configuration = try SluiceOptions.parse(arguments).configuration(for: flow(TestingSink()), environment: environment)
        return try #require(configuration.recoveryStore as? SQLiteRecoveryStore)
    }

    @Test func theBackupIntervalIsRoundedUpToWholeEpochs() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try store(["-r", directory]).backupEpochs == 0, "the default keeps nothing behind the committed epoch")
        #expect(try store(["-r", directory, "-b", "25", "--epoch-interval", "10"]).backupEpochs == 3)
        #expect(try store(["-r", directory, "--backup-interval", "20", "--epoch-interval", "10"]).backupEpochs == 2)
        #expect(try store(["-r", directory, "--epoch-interval", "0.2"], environment: ["SLUICE_BACKUP_INTERVAL": "0.5"]).backupEpochs == 3)
        #expect(try store(["-r", directory, "-b", "1"], environment: ["SLUICE_BACKUP_INTERVAL": "600"]).backupEpochs == 1,
                "the flag wins over the environment")
    }

    @Test func aBadBackupIntervalIsRefusedNamingTheFlagOrVariable() throws {
        let cases: [([String], [String: String], String)] = [
            (["-b=-1"], [:], "--backup-interval"),
            (["-b", "nan"], [:], "--backup-interval"),
            ([], ["SLUICE_BACKUP_INTERVAL": "soon"], "SLUICE_BACKUP_INTERVAL"),
        ]
        for (arguments, environment, name) in cases {
            do {
                // Checked even without a recovery directory.
                _ = try SluiceOptions.parse(arguments).configuration(environment: environment)
                Issue.record("\(arguments) \(environment) must be refused")
            } catch let error as DataflowError {
                #expect("\(error)".contains(name), "\(error)")
            }
        }
    }
}
