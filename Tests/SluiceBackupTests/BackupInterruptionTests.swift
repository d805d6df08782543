import Foundation
import Sluice
import SluiceRecovery
import SluiceTestSupport
import Testing

@testable import SluiceBackup

/// An upload interrupted by a stopped server is retried, counted and logged;
/// once the server is back, everything since the last upload arrives.
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
struct BackupInterruptionTests {
    @Test func uploadsFailWhileTheServerIsStoppedAndCatchUpAfter() throws {
        let metrics = SharedTestMetrics.shared
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "interrupted", timeout: 1)
        let dir = try TemporaryDirectory()
        let store = try SQLiteRecoveryStore(directory: dir.file("s"), flowID: DirectStoreWrites.flowID, partitions: 2)
        try store.beginExecution(workerCount: 1)
        let name = "interrupted-\(UUID().uuidString.prefix(6))"
        let uploader = BackupUploader(backup: backup, directory: dir.file("s"), name: name, store: store, interval: .zero)
        uploader.maxBackoff = .milliseconds(400)
        try DirectStoreWrites.write(store, epochs: 1...3)
        uploader.committed(3)
        #expect(uploader.waitUntilUploaded(3, timeout: .seconds(20)))

        moto.pause()
        try DirectStoreWrites.write(store, epochs: 4...6)
        uploader.committed(6)
        #expect(uploader.waitForFailures(atLeast: 2, timeout: .seconds(30)))
        #expect(uploader.uploaded == 3)
        let failures = metrics.test.counterTotal(label: "sluice_backup_upload_failures_total", dimensions: [("store", name)])
        #expect(failures >= 2)
        moto.resume()

        #expect(uploader.waitUntilUploaded(6, timeout: .seconds(30)))
        try uploader.finish(timeout: .seconds(10))
        let gauge = metrics.test.recorders(label: "sluice_backup_uploaded_epoch", dimensions: [("store", name)])
        #expect(gauge.compactMap(\.lastValue).contains(6))
        let restored = dir.file("restored")
        #expect(try backup.restore(name: name, to: restored) == 6)
        let point = try #require(try SQLiteRecoveryStore(directory: restored, flowID: DirectStoreWrites.flowID).resumePoint())
        #expect(point.epoch == Epoch(6))
        for key in DirectStoreWrites.keys {
            #expect(point.states[DirectStoreWrites.step]?[key] == DirectStoreWrites.state(key, 6))
        }
    }
}
