import ArgumentParser
import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceBackup

/// `--backup-url` through `SluiceOptions`, and the `sluice recovery
/// backup-list` / `restore` commands.
@Suite struct BackupOptionsTests {
    private func totalsFlow(_ totals: TestingSink<String>) -> Dataflow {
        let flow = Dataflow("options_backup")
        flow.input("words", TestingSource(["a", "b", "a"]))
            .keyOn("by_word") { $0 }
            .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", totals)
        return flow
    }

    @Test func aBackupURLWithoutARecoveryDirectoryIsRefused() throws {
        let options = try SluiceOptions.parse(["--backup-url", "s3://bucket/prefix"])
        let error = #expect(throws: DataflowError.self) {
            try options.configuration(for: totalsFlow(TestingSink()), environment: [:])
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("needs a recovery directory"))
    }

    @Test func missingCredentialsAreNamed() throws {
        let dir = try TemporaryDirectory()
        let options = try SluiceOptions.parse(["-r", dir.file("r"), "--backup-url", "s3://bucket/prefix"])
        let error = #expect(throws: BackupError.self) {
            try options.configuration(for: totalsFlow(TestingSink()), environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:1"])
        }
        #expect(error == .invalidSetting(name: "AWS_ACCESS_KEY_ID", reason: "not set (a backup URL needs credentials)"))
    }

    @Test func anUnreachableBucketStopsTheRunAtStartAndCreatesNoStore() throws {
        let dir = try TemporaryDirectory()
        let port = try MotoServer.freePort()
        let options = try SluiceOptions.parse(["-r", dir.file("r")])
        let environment = [
            "SLUICE_BACKUP_URL": "s3://nowhere/p", "AWS_ENDPOINT_URL": "http://127.0.0.1:\(port)",
            "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
        ]
        let started = ContinuousClock.now
        let error = #expect(throws: BackupError.self) {
            try options.configuration(for: totalsFlow(TestingSink()), environment: environment)
        }
        #expect(ContinuousClock.now - started < .seconds(20), "a hang, not a refusal")
        #expect(error?.description.contains("'nowhere' at http://127.0.0.1:\(port)") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("r/part-0.sqlite")))
    }

    @Test(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
    func aWipedDirectoryIsRestoredByTheOptionsAndTheCommandsListAndRestoreIt() throws {
        let moto = try MotoServer()
        _ = try moto.backup(bucket: "jobs")
        let dir = try TemporaryDirectory()
        let environment = [
            "SLUICE_BACKUP_URL": "s3://jobs/team", "AWS_ENDPOINT_URL": moto.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        func runOnce() throws -> [String] {
            let totals = TestingSink<String>()
            let flow = totalsFlow(totals)
            let options = try SluiceOptions.parse(["-r", dir.file("r"), "-w", "2", "--epoch-interval", "0.01"])
            let configuration = try options.configuration(for: flow, environment: environment)
            #expect(configuration.recoveryStore is BackedUpRecoveryStore)
            try run(flow, configuration: configuration)
            SluiceOptions.finishBackup(of: configuration)
            return totals.items.sorted()
        }
        #expect(try runOnce() == ["a=2", "b=1"])
        try FileManager.default.removeItem(atPath: dir.file("r"))
        #expect(try runOnce() == [], "restored: the ended run's store is back, nothing is counted twice")

        let sluice = try BuiltExecutable.url(named: "sluice")
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let aws = ["AWS_ENDPOINT_URL=\(moto.endpoint.absoluteString)", "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing"]
        let list = try ChildProcess(env, aws + [sluice.path, "recovery", "backup-list", "s3://jobs/team"])
        #expect(try list.waitForExit() == .init(exited: true, status: 0))
        #expect(list.stdout.contains("options_backup/process-0"))

        let target = dir.file("operator-copy")
        let restore = try ChildProcess(
            env, aws + [sluice.path, "recovery", "restore", "s3://jobs/team", "--name", "options_backup/process-0", "--to", target])
        #expect(try restore.waitForExit() == .init(exited: true, status: 0), "\(restore.stderr)")
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: target) == [])

        let again = try ChildProcess(
            env, aws + [sluice.path, "recovery", "restore", "s3://jobs/team", "--name", "options_backup/process-0", "--to", target])
        #expect(try again.waitForExit().status != 0)
        #expect(again.stderr.contains("not empty"))

        let missing = try ChildProcess(
            env, aws + [sluice.path, "recovery", "restore", "s3://jobs/team", "--name", "nobody", "--to", dir.file("x")])
        #expect(try missing.waitForExit().status != 0)
        #expect(missing.stderr.contains("no backup named 'nobody'"))
    }
}
