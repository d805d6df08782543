import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// `sluice recovery init/inspect/check`, run as child processes on real
/// directories (a store written by a run in this process).
@Suite(.onOwnThread) struct RecoveryCommandTests {
    /// A fresh temporary path (not created), removed by the caller.
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cli-recovery-\(UUID())").path
    }

    /// Runs `sluice recovery …` to its end.
    private func recovery(_ arguments: [String]) throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["recovery"] + arguments)
        let exit = try child.waitForExit()
        return (exit, child.stdout, child.stderr)
    }

    /// A finished run of a word count over `words` with a store in `directory`.
    private func writeStore(_ directory: String, words: [String]) throws {
        let flow = Dataflow("cli_counts")
        flow.input("words", TestingSource(words))
            .keyOn("key") { $0 }
            .statefulMap("count") { (count: Int?, _: String) in ((count ?? 0) + 1, (count ?? 0) + 1) }
            .map("fmt") { "\($0.key)=\($0.value)" }
            .output("out", TestingSink<String>())
        var configuration = RunConfiguration(workers: 2)
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory, flowID: flow.id, partitions: 2)
        try run(flow, configuration: configuration)
    }

    @Test func helpExplainsTheSubcommandsAndTheBackupInterval() throws {
        let result = try recovery(["--help"])
        #expect(result.exit == .init(exited: true, status: 0))
        for word in ["init", "inspect", "check", "--backup-interval", "SLUICE_BACKUP_INTERVAL", "-r DIR"] {
            #expect(result.stdout.contains(word), "\(word) missing from: \(result.stdout)")
        }
    }

    @Test func initCreatesTheFilesAndRefusesAnExistingStore() throws {
        let directory = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try recovery(["init", directory, "--partitions", "3"])
        #expect(first.exit == .init(exited: true, status: 0), "\(first.stderr)")
        #expect(first.stdout.contains("3 partition files"))
        #expect((0..<3).allSatisfy { FileManager.default.fileExists(atPath: "\(directory)/part-\($0).sqlite") })

        let again = try recovery(["init", directory])
        #expect(again.exit == .init(exited: true, status: 1))
        #expect(again.stderr.contains(directory) && again.stderr.contains("already holds a store"), "\(again.stderr)")

        let bad = try recovery(["init", temporaryPath(), "--partitions", "0"])
        #expect(bad.exit == .init(exited: true, status: 64), "\(bad.stderr)")
    }

    @Test func inspectShowsWhatARunLeftAsTextAndJSON() throws {
        let directory = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeStore(directory, words: ["a", "b", "a", "c"])
        let store = try SQLiteRecoveryStore.inspect(directory: directory)
        let committed = try #require(store.committedEpoch)

        let text = try recovery(["inspect", directory])
        #expect(text.exit == .init(exited: true, status: 0), "\(text.stderr)")
        for line in ["dataflow:        cli_counts", "committed epoch: \(committed)", "cli_counts.count: 3 keys",
                     "part-0.sqlite:", "part-1.sqlite:", "workers: worker 0 at epoch", "integrity:       ok"] {
            #expect(text.stdout.contains(line), "'\(line)' missing from:\n\(text.stdout)")
        }

        let json = try recovery(["inspect", directory, "--json"])
        #expect(json.exit == .init(exited: true, status: 0), "\(json.stderr)")
        struct Report: Decodable { let store: RecoveryStoreSummary; let problems: [String] }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        // Byte sizes may differ: closing the last connection can checkpoint the WAL.
        #expect(report.store.flowID == store.flowID && report.store.formatVersion == store.formatVersion)
        #expect(report.store.committedEpoch == store.committedEpoch)
        #expect(report.store.executions == store.executions && report.store.steps == store.steps)
        #expect(report.store.partitions.map { [$0.path, "\($0.index)", "\($0.snapshotRows)", "\($0.schemaVersion)"] }
            == store.partitions.map { [$0.path, "\($0.index)", "\($0.snapshotRows)", "\($0.schemaVersion)"] })
        #expect(report.problems.isEmpty)
    }

    @Test func checkExitsZeroForASoundStoreAndOneNamingTheProblem() throws {
        let directory = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeStore(directory, words: ["a"])
        let sound = try recovery(["check", directory])
        #expect(sound.exit == .init(exited: true, status: 0), "\(sound.stdout)\(sound.stderr)")
        #expect(sound.stdout.hasPrefix("ok"))

        try FileManager.default.removeItem(atPath: "\(directory)/part-0.sqlite")
        let broken = try recovery(["check", directory])
        #expect(broken.exit == .init(exited: true, status: 1))
        #expect(broken.stdout.contains("part-0.sqlite") && broken.stdout.contains("missing"), "\(broken.stdout)")

        let inspected = try recovery(["inspect", directory])
        #expect(inspected.stdout.contains("1 problem"), "\(inspected.stdout)")

        let nothing = try recovery(["inspect", temporaryPath()])
        #expect(nothing.exit == .init(exited: true, status: 1))
        #expect(nothing.stderr.contains("holds no recovery store"), "\(nothing.stderr)")
    }

    /// Epochs 1...8 of two workers written into a two-file store (kept open:
    /// the caller copies its files as a kill -9 leaves them).
    private func openStoreWithEpochs(_ directory: String) throws -> SQLiteRecoveryStore {
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "cli_damage", partitions: 2)
        try store.beginExecution(workerCount: 2)
        for epoch in 1...8 {
            for worker in 0..<2 {
                let records = (0..<10).filter { $0 % 2 == worker }.map {
                    SnapshotRecord(step: "cli_damage.count", key: "k\($0)", state: Array("\(epoch)".utf8))
                }
                try store.write(epoch: Epoch(UInt64(epoch)), worker: WorkerIndex(worker), records: records, ended: false)
            }
        }
        return store
    }

    /// The database files and write-ahead logs of `directory`, copied to a new path.
    private func crashCopy(_ directory: String) throws -> String {
        let copy = temporaryPath()
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix("part-") && !name.hasSuffix("-shm") {
            try FileManager.default.copyItem(atPath: "\(directory)/\(name)", toPath: "\(copy)/\(name)")
        }
        return copy
    }

    @Test func checkReportsALostWriteAheadLogAChangedStateAndAForeignFile() throws {
        let directory = temporaryPath()
        let other = temporaryPath()
        var copies: [String] = []
        defer { for path in [directory, other] + copies { try? FileManager.default.removeItem(atPath: path) } }
        let store = try openStoreWithEpochs(directory)
        let otherStore = try openStoreWithEpochs(other)

        let sound = try crashCopy(directory)
        let lostWAL = try crashCopy(directory)
        let changed = try crashCopy(directory)
        let foreign = try crashCopy(directory)
        copies = [sound, lostWAL, changed, foreign]
        withExtendedLifetime((store, otherStore)) {}
        try FileManager.default.removeItem(atPath: "\(lostWAL)/part-0.sqlite-wal")
        try SQLiteConnection(path: "\(changed)/part-1.sqlite").execute(
            "UPDATE snapshots SET state = CAST('x' AS BLOB) WHERE key = 'k1' AND epoch = 8")
        try FileManager.default.removeItem(atPath: "\(foreign)/part-1.sqlite-wal")
        try FileManager.default.removeItem(atPath: "\(foreign)/part-1.sqlite")
        try FileManager.default.copyItem(atPath: "\(other)/part-1.sqlite", toPath: "\(foreign)/part-1.sqlite")

        let ok = try recovery(["check", sound])
        #expect(ok.exit == .init(exited: true, status: 0), "\(ok.stdout)\(ok.stderr)")
        let inspected = try recovery(["inspect", sound])
        #expect(inspected.stdout.contains("store id:        "), "\(inspected.stdout)")
        #expect(!inspected.stdout.contains("store id:        none"), "\(inspected.stdout)")
        for (copy, file, words) in [(lostWAL, "part-0.sqlite", "lost committed"), (changed, "part-1.sqlite", "checksum"),
                                    (foreign, "part-1.sqlite", "another store")] {
            let result = try recovery(["check", copy])
            #expect(result.exit == .init(exited: true, status: 1), "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("\(copy)/\(file)") && result.stdout.contains(words), "\(result.stdout)")
        }
    }
}

/// `sluice recovery check` is read-only: a monitoring user who may read the
/// files but not write them (nor the directory) can check a sound store.
@Suite(.onOwnThread) struct RecoveryCheckAsReaderTests {
    @Test func aUserWhoCannotWriteTheStoreCanCheckIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-reader-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {  // a run that stopped cleanly: the store is closed, its logs folded in
            let store = try SQLiteRecoveryStore(directory: directory, flowID: "reader")
            try store.beginExecution(workerCount: 1)
            try store.write(
                epoch: Epoch(1), worker: WorkerIndex(0), records: [SnapshotRecord(step: "reader.s", key: "k", state: [1])],
                ended: true)
        }
        try #require(chmod(directory, 0o755) == 0)
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "util-linux's setpriv is needed to run as another user")
        let sluice = try BuiltExecutable.url(named: "sluice")
        let child = try ChildProcess(
            URL(fileURLWithPath: setpriv),
            ["--reuid=65534", "--regid=65534", "--clear-groups", sluice.path, "recovery", "check", directory])
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == .init(exited: true, status: 0), "stdout: \(child.stdout) stderr: \(child.stderr)")
        #expect(child.stdout.contains("ok"), "\(child.stdout)")
    }
}
