import ArgumentParser
import Foundation
import Sluice
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
}
