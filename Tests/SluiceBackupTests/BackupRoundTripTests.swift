import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SluiceBackup

/// Upload, wipe, restore and resume against a local S3 server (moto).
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
struct BackupRoundTripTests {
    @Test func aWipedStoreRestoredFromTheBackupResumesWithExactCounts() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "roundtrip")
        let dir = try TemporaryDirectory()
        let recovery = dir.file("process-0")
        let words = CountingFlow.words(600)
        var events = words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: 400)
        let source = TestingSource(events: events)
        let running = TestingSink<String>()
        let totals = TestingSink<String>()

        let committed: Int64
        let manifest: BackupManifest
        do {
            let store = try SQLiteRecoveryStore(directory: recovery, flowID: CountingFlow.id, partitions: 2)
            let uploader = BackupUploader(
                backup: backup, directory: recovery, name: "process-0", store: store, interval: .zero, baseEvery: 3)
            #expect(throws: DataflowError.self) {
                try run(
                    CountingFlow.make(source, running: running, totals: totals),
                    configuration: CountingFlow.configuration(store: BackedUpRecoveryStore(store: store, uploader: uploader)))
            }
            try uploader.finish(timeout: .seconds(60))
            committed = Int64(try #require(try store.committedEpoch()).rawValue)
            #expect(uploader.uploaded == committed)
            manifest = try #require(try backup.latestManifest(name: "process-0"))
        }
        #expect(manifest.epoch == committed)
        // Only what the manifest names (and the manifest) is left under the store's prefix.
        let keys = Set(try backup.client.list(prefix: backup.location.storePrefix("process-0")).map(\.key))
        #expect(keys.isSuperset(of: manifest.objectKeys))

        try FileManager.default.removeItem(atPath: recovery)
        #expect(try backup.restoreIfMissing(directory: recovery, name: "process-0") == .restored(epoch: committed))
        #expect(try SQLiteRecoveryStore.checkIntegrity(directory: recovery) == [])
        #expect(try backup.restoreIfMissing(directory: recovery, name: "process-0") == .storePresent)

        let second = try SQLiteRecoveryStore(directory: recovery, flowID: CountingFlow.id)
        #expect(try second.committedEpoch().map { Int64($0.rawValue) } == committed)
        try run(CountingFlow.make(source, running: running, totals: totals), configuration: CountingFlow.configuration(store: second))
        #expect(totals.items.sorted() == CountingFlow.expectedTotals(words))
        #expect(CountingFlow.highest(running.items) == CountingFlow.expectedTotals(words))
    }

    @Test func segmentsCarryOnlyNewRowsAndABaseReplacesThem() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "segments")
        let dir = try TemporaryDirectory()
        let store = try SQLiteRecoveryStore(directory: dir.file("s"), flowID: DirectStoreWrites.flowID, partitions: 2)
        try store.beginExecution(workerCount: 1)
        let uploader = BackupUploader(backup: backup, directory: dir.file("s"), name: "p", store: store, interval: .zero, baseEvery: 2)
        defer { try? uploader.finish(timeout: .seconds(5)) }
        for epoch in UInt64(1)...5 {
            try DirectStoreWrites.write(store, epochs: epoch...epoch)
            uploader.committed(Int64(epoch))
            #expect(uploader.waitUntilUploaded(Int64(epoch), timeout: .seconds(20)))
        }
        let manifest = try #require(try backup.latestManifest(name: "p"))
        // Uploads 1 (base), 2, 3 (segments), 4 (base: two segments since the last), 5 (segment).
        #expect(manifest.base.through == 4)
        #expect(manifest.segments.map(\.through) == [5])
        let segment = try backup.fetchArchive(manifest.segments[0])
        let rows = segment.files.flatMap(\.tables).filter { $0.name == "snapshots" }.flatMap(\.rows)
        #expect(rows.count == DirectStoreWrites.keys.count)
        #expect(rows.allSatisfy { $0[2] == .integer(5) })
        let listed = Set(try backup.client.list(prefix: backup.location.storePrefix("p")).map(\.key))
        #expect(listed == Set(manifest.objectKeys + [backup.manifestKey("p")]))

        // A directory wiped with `rm dir/*` keeps its lock file: it still counts as empty.
        let restored = dir.file("restored")
        try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: restored + "/.lock", contents: Data()))
        #expect(try backup.restoreIfMissing(directory: restored, name: "p") == .restored(epoch: 5))
        let reopened = try SQLiteRecoveryStore(directory: restored, flowID: DirectStoreWrites.flowID)
        let point = try #require(try reopened.resumePoint())
        #expect(point.epoch == Epoch(5))
        #expect(point.states[DirectStoreWrites.step]?["b"] == DirectStoreWrites.state("b", 5))
        #expect(try backup.list().map(\.name) == ["p"])
    }

    /// While a run writes and uploads, the bucket's latest manifest always
    /// restores to a store that passes the integrity checks and opens.
    @Test func theLatestManifestRestoresToASoundStoreWhileARunWrites() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "during")
        let dir = try TemporaryDirectory()
        let recovery = dir.file("live")
        let words = CountingFlow.words(20_000)
        let store = try SQLiteRecoveryStore(directory: recovery, flowID: CountingFlow.id, partitions: 3)
        let uploader = BackupUploader(backup: backup, directory: recovery, name: "live", store: store, interval: .zero, baseEvery: 4)
        let finished = Locked<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let backed = BackedUpRecoveryStore(store: store, uploader: uploader)
        let runner = Thread {
            let flow = CountingFlow.make(TestingSource(words), running: TestingSink(), totals: TestingSink())
            let outcome = Result { try run(flow, configuration: CountingFlow.configuration(store: backed, workers: 3)) }
            finished.withLock { $0 = outcome }
            done.signal()
        }
        runner.start()
        var previous: Int64 = -1
        var restores = 0
        var restoresWhileRunning = 0
        for _ in 0..<4 {
            // A new manifest since the last restore; once the run is over, none comes.
            guard uploader.waitUntilUploaded(previous + 1, timeout: .seconds(restores == 0 ? 60 : 10)) else { break }
            let target = dir.file("restore-\(restores)")
            if finished.withLock({ $0 == nil }) { restoresWhileRunning += 1 }
            let epoch = try #require(try backup.restore(name: "live", to: target))
            #expect(epoch > previous)
            previous = epoch
            restores += 1
            #expect(try SQLiteRecoveryStore.checkIntegrity(directory: target) == [])
            let reopened = try SQLiteRecoveryStore(directory: target, flowID: CountingFlow.id)
            #expect(try reopened.resumePoint()?.epoch == Epoch(UInt64(epoch)))
        }
        #expect(restores >= 1)
        print("theLatestManifestRestoresToASoundStoreWhileARunWrites: \(restores) restores, \(restoresWhileRunning) while the run wrote")
        #expect(done.wait(timeout: .now() + 120) == .success, "the run did not end within 120 s (a hang)")
        try #require(finished.withLock { $0 }).get()
        try uploader.finish(timeout: .seconds(60))
        let final = try #require(try store.committedEpoch())
        #expect(uploader.uploaded == Int64(final.rawValue))
    }
}

/// A value behind a lock that a thread and the test share.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
