import ArgumentParser
import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// The README's `MyJob` path, `sluice.run(flow)` (and `settings(for:)` under
/// it), honours every Sluice flag and its `SLUICE_…` variable; no method
/// silently ignores one.
@Suite struct SluiceOptionsRunTests {
    /// The README's job, verbatim but for the sink (a `TestingSink` to check).
    struct MyJob: ParsableCommand {
        @OptionGroup var sluice: SluiceOptions
        @Option var input: String
        nonisolated(unsafe) static var out = TestingSink<String>()

        func run() throws {
            let flow = Dataflow("my_job")
            flow.input("lines", FileSource(path: input))
                .map("upper") { $0.uppercased() }
                .output("print", Self.out)
            try sluice.run(flow)
        }
    }

    private func flow() -> Dataflow {
        let flow = Dataflow("my_job")
        flow.input("lines", TestingSource(["a"])).output("print", TestingSink<String>())
        return flow
    }

    @Test func everyFlagReachesTheRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("options-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = try SluiceOptions.parse([
            "-w", "3", "--epoch-interval", "0.5", "-r", directory, "-s", "2", "-b", "4",
            "-i", "1", "-a", "127.0.0.1:7101;127.0.0.1:7102", "--cluster-startup-timeout", "45",
        ])
        let (configuration, cluster) = try options.settings(for: flow(), environment: [:])
        #expect(configuration.workers == 3)
        #expect(configuration.epochInterval == .milliseconds(500))
        #expect(configuration.snapshotInterval == .seconds(2))
        // In a cluster, process 1 keeps its own store in DIR/process-1.
        let store = try #require(configuration.recoveryStore as? SQLiteMemberStore)
        #expect(store.directory == "\(directory)/process-1")
        #expect(store.backupEpochs == 8, "-b 4 with 0.5 s epochs keeps 8 epochs")
        #expect(cluster?.processID == ProcessID(1))
        #expect(cluster?.addressList == "127.0.0.1:7101;127.0.0.1:7102")
        #expect(cluster?.startupTimeout == .seconds(45))
    }

    @Test func everyVariableReachesTheRunAndAFlagWins() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("options-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = [
            "SLUICE_WORKERS_PER_PROCESS": "2", "SLUICE_EPOCH_INTERVAL": "0.25", "SLUICE_RECOVERY_DIRECTORY": directory,
            "SLUICE_SNAPSHOT_INTERVAL": "1", "SLUICE_BACKUP_INTERVAL": "1", "SLUICE_PROCESS_ID": "0",
            "SLUICE_ADDRESSES": "127.0.0.1:7101;127.0.0.1:7102", "SLUICE_CLUSTER_STARTUP_TIMEOUT": "60",
        ]
        let (configuration, cluster) = try SluiceOptions.parse([]).settings(for: flow(), environment: environment)
        #expect(configuration.workers == 2)
        #expect(configuration.epochInterval == .milliseconds(250))
        #expect(configuration.snapshotInterval == .seconds(1))
        #expect((configuration.recoveryStore as? SQLiteMemberStore)?.backupEpochs == 4)
        #expect(cluster?.processID == ProcessID(0))
        #expect(cluster?.startupTimeout == .seconds(60))
        let flagged = try SluiceOptions.parse(["-w", "5", "-i", "1"]).settings(for: flow(), environment: environment)
        #expect(flagged.configuration.workers == 5)
        #expect(flagged.cluster?.processID == ProcessID(1))
    }

    @Test func theReadmeJobResumesFromItsRecoveryDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-job-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "hello\nworld\n".write(toFile: "\(directory)/notes.txt", atomically: true, encoding: .utf8)
        let arguments = ["--input", "\(directory)/notes.txt", "-w", "2", "-r", "\(directory)/recovery"]
        MyJob.out = TestingSink<String>()
        var job = try MyJob.parse(arguments)
        try job.run()
        #expect(MyJob.out.items.sorted() == ["HELLO", "WORLD"])
        // The same job again: it resumes after what it read, so it reads nothing twice.
        MyJob.out = TestingSink<String>()
        job = try MyJob.parse(arguments)
        try job.run()
        #expect(MyJob.out.items.isEmpty)
    }

    @Test func configurationWithoutTheFlowRefusesARecoveryDirectory() throws {
        let reason = try invalidConfiguration {
            _ = try SluiceOptions.parse(["-r", "/tmp/somewhere"]).configuration(environment: [:])
        }
        #expect(reason.contains("needs the dataflow: use configuration(for: flow) or run(flow)"), "\(reason)")
        let fromEnvironment = try invalidConfiguration {
            _ = try SluiceOptions.parse([]).configuration(environment: ["SLUICE_RECOVERY_DIRECTORY": "/tmp/x"])
        }
        #expect(fromEnvironment.contains("'/tmp/x' needs the dataflow"), "\(fromEnvironment)")
    }

    @Test func configurationForAFlowRefusesALocalClusterItCannotStart() throws {
        let reason = try invalidConfiguration {
            _ = try SluiceOptions.parse(["--processes", "2"]).configuration(for: flow(), environment: [:])
        }
        #expect(reason.contains("--processes 2 starts a local cluster"), "\(reason)")
    }

    @Test func drainingOnStopIsAFlagOrAVariable() throws {
        #expect(try SluiceOptions.parse([]).drainsOnStop(environment: [:]) == false)
        #expect(try SluiceOptions.parse(["--drain-on-stop"]).drainsOnStop(environment: [:]))
        #expect(try SluiceOptions.parse([]).drainsOnStop(environment: ["SLUICE_DRAIN_ON_STOP": "1"]))
        #expect(try SluiceOptions.parse([]).drainsOnStop(environment: ["SLUICE_DRAIN_ON_STOP": " No "]) == false)
        let reason = try invalidConfiguration {
            _ = try SluiceOptions.parse([]).drainsOnStop(environment: ["SLUICE_DRAIN_ON_STOP": "sometimes"])
        }
        #expect(reason.contains("SLUICE_DRAIN_ON_STOP must be 1/true/yes or 0/false/no, got 'sometimes'"), "\(reason)")
    }
}
