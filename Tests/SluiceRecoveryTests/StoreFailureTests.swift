import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// A write that cannot reach the disk (a read-only file, a full disk) fails
/// with an error naming the file and why, and leaves the store sound: opened
/// again with permissions or space restored, it resumes from the last
/// epoch committed before the failure.
///
/// How the failures are made real, given that the tests run as root (root
/// ignores permission bits, so `chmod` alone stops nothing):
/// - read-only: `chattr +i` (the immutable attribute stops every write, even
///   root's, even through descriptors opened before: `EPERM`), on ext4 and
///   the like; and `PRAGMA query_only` on the store's own connection (SQLite
///   refuses the write with `SQLITE_READONLY`), which runs everywhere;
/// - full disk: a 512 KiB tmpfs mounted for the test (a real `ENOSPC`,
///   needs root), grown afterwards with `remount`; and `PRAGMA max_page_count`
///   on the store's connection (SQLite reports `SQLITE_FULL` itself), which
///   runs everywhere.
/// Where `chattr` or `mount` is not available (probed before the tests run)
/// those tests are skipped, and the skip names what is missing.
@Suite(.serialized) struct StoreFailureTests {
    private static let step: StepID = "fail.count"

    /// Opens a one-file store in `directory`, writes epochs 1...3 (one
    /// worker) and returns it with the states committed at 3.
    private func storeAtEpochThree(_ directory: String) throws -> (SQLiteRecoveryStore, [String: [UInt8]]) {
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "fail", partitions: 1)
        try store.beginExecution(workerCount: 1)
        for epoch in 1...3 {
            let records = (0..<5).map { SnapshotRecord(step: Self.step, key: "k\($0)", state: Array("\(epoch)".utf8)) }
            try store.write(epoch: Epoch(UInt64(epoch)), worker: WorkerIndex(0), records: records, ended: false)
        }
        return (store, Dictionary(uniqueKeysWithValues: (0..<5).map { ("k\($0)", Array("3".utf8)) }))
    }

    /// Epoch 4's write: large enough to need new pages.
    private func writeEpochFour(_ store: SQLiteRecoveryStore) throws {
        let big = [UInt8](repeating: 0x42, count: 64 * 1024)
        let records = (0..<16).map { SnapshotRecord(step: Self.step, key: "big\($0)", state: big) }
        try store.write(epoch: Epoch(4), worker: WorkerIndex(0), records: records, ended: false)
    }

    /// The failure must be an error naming the file and saying why.
    private func expectFailure(_ store: SQLiteRecoveryStore, naming words: [String]) {
        do {
            try writeEpochFour(store)
            Issue.record("the write must fail")
        } catch {
            let text = "\(error)"
            #expect(text.contains("part-0.sqlite"), "\(text)")
            #expect(words.contains { text.localizedCaseInsensitiveContains($0) }, "\(text) should say one of \(words)")
        }
    }

    /// Opened again, the store resumes from epoch 3 with its states and passes its checks.
    private func expectResumesFromEpochThree(_ directory: String, states: [String: [UInt8]]) throws {
        let reopened = try SQLiteRecoveryStore(directory: directory, flowID: "fail")
        #expect(try reopened.checkIntegrity() == [])
        let resume = try #require(try reopened.resumePoint())
        #expect(resume.epoch == Epoch(3))
        #expect(resume.states[Self.step] == states)
        // And it takes writes again.
        try reopened.beginExecution(workerCount: 1)
        try writeEpochFour(reopened)
        #expect(try reopened.committedEpoch() == Epoch(4))
    }

    @Test func aConnectionThatMayNotWriteFailsNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let (store, states) = try storeAtEpochThree(directory)
        try store.partitions[0].withConnection { try $0.execute("PRAGMA query_only = 1") }
        expectFailure(store, naming: ["readonly", "read-only"])
        try expectResumesFromEpochThree(directory, states: states)
    }

    @Test(.enabled(if: Self.canSetImmutable, "chattr +i is not available here (needs root and a file system with the immutable attribute)"))
    func anImmutableFileFailsTheWriteNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let (store, states) = try storeAtEpochThree(directory)
        let files = ["part-0.sqlite", "part-0.sqlite-wal"].map { "\(directory)/\($0)" }
        try #require(Self.run("/usr/bin/chattr", ["+i"] + files) == 0, "chattr +i worked on the probe but not on the store")
        defer { _ = Self.run("/usr/bin/chattr", ["-i"] + files) }
        expectFailure(store, naming: ["not permitted", "readonly", "read-only"])
        #expect(Self.run("/usr/bin/chattr", ["-i"] + files) == 0)
        try expectResumesFromEpochThree(directory, states: states)
    }

    @Test func aFullDatabaseFailsTheWriteNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let (store, states) = try storeAtEpochThree(directory)
        // SQLite's own size limit, at the current size: the next page it needs is refused.
        try store.partitions[0].withConnection { db in
            let pages = try db.scalarInt("PRAGMA page_count") ?? 0
            try db.execute("PRAGMA max_page_count = \(pages)")
        }
        expectFailure(store, naming: ["full"])
        try expectResumesFromEpochThree(directory, states: states)
    }

    @Test(.enabled(if: Self.canMountTmpfs, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)"))
    func aFullDiskFailsTheWriteNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.file("tiny")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try #require(
            Self.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", mountPoint]) == 0,
            "a tmpfs mounted for the probe but not for the test")
        defer { _ = Self.run("/usr/bin/umount", ["-l", mountPoint]) }
        let directory = mountPoint + "/recovery"
        let (store, states) = try storeAtEpochThree(directory)
        // 1 MiB does not fit in what is left of 512 KiB.
        expectFailure(store, naming: ["full"])
        #expect(Self.run("/usr/bin/mount", ["-o", "remount,size=16m", mountPoint]) == 0)
        try expectResumesFromEpochThree(directory, states: states)
    }

    @Test func aRunWhoseStoreCannotWriteFailsNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteRecoveryStore(directory: dir.file("recovery"), flowID: "fail", partitions: 1)
        let flow = Dataflow("fail")
        flow.input("words", TestingSource(["a", "b"]))
            .output("out", TestingSink<String>())
        var configuration = RunConfiguration(workers: 1)
        configuration.recoveryStore = store
        try store.partitions[0].withConnection { try $0.execute("PRAGMA query_only = 1") }
        let running = start(flow, configuration: configuration)
        do {
            let ended = try running.wait(timeout: .seconds(30))
            Issue.record(ended ? "the run must fail" : "the run hangs")
        } catch {
            #expect("\(error)".contains("part-0.sqlite"), "\(error)")
        }
    }

    /// Whether `chattr +i` works on a file in the temporary directory (then undone).
    static let canSetImmutable: Bool = {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chattr-probe-\(UUID())").path
        guard FileManager.default.createFile(atPath: file, contents: Data()) else { return false }
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard run("/usr/bin/chattr", ["+i", file]) == 0 else { return false }
        return run("/usr/bin/chattr", ["-i", file]) == 0
    }()

    /// Whether a tmpfs can be mounted (and unmounted) here.
    static let canMountTmpfs: Bool = {
        let point = FileManager.default.temporaryDirectory.appendingPathComponent("tmpfs-probe-\(UUID())").path
        guard (try? FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: point) }
        guard run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", point]) == 0 else { return false }
        return run("/usr/bin/umount", [point]) == 0
    }()

    /// Runs a program to its end and returns its exit status (-1 when it cannot start).
    private static func run(_ program: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
