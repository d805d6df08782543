import Foundation
import Sluice
import SluiceBackup
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// The README's "Backup to object storage" block, verbatim but for the
/// environment (a local moto server's) and the directory (a temporary one);
/// run twice: the second run finds the directory wiped and restores it.
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
struct ReadmeBackupTests {
    @Test func readmeBlockBacksUpAndRestores() throws {
        let moto = try MotoServer()
        try RecoveryBackup(location: BackupLocation(bucket: "sluice-backups", prefix: ""), settings: moto.settings()).createBucket()
        let environment = [
            "AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        let temporary = try TemporaryDirectory()

        func readmeBlock() throws -> [String] {
            let flow = Dataflow("backed_up")
            let totals = TestingSink<String>()
            flow.input("words", TestingSource(["a", "b", "a"]))
                .keyOn("by_word") { $0 }
                .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
                .map("format") { "\($0.key)=\($0.value)" }
                .output("out", totals)

            let directory = temporary.file("sluice-backup-example")
            let name = "\(flow.id)/process-0"
            let backup = try RecoveryBackup(url: "s3://sluice-backups/examples", environment: environment)
            try backup.checkAccess()                                  // unreachable or refused: an error naming endpoint and bucket
            try backup.restoreIfMissing(directory: directory, name: name)
            let store = try SQLiteRecoveryStore(directory: directory, flowID: flow.id)
            let uploader = BackupUploader(backup: backup, directory: directory, name: name, store: store)
            var config = RunConfiguration(workers: 2)
            config.recoveryStore = BackedUpRecoveryStore(store: store, uploader: uploader)
            try run(flow, configuration: config)
            try uploader.finish()                                     // what is committed is in the bucket
            return totals.items.sorted()                              // ["a=2", "b=1"]
        }

        #expect(try readmeBlock() == ["a=2", "b=1"])
        let backup = try RecoveryBackup(url: "s3://sluice-backups/examples", environment: environment)
        let manifest = try #require(try backup.latestManifest(name: "backed_up/process-0"))
        try FileManager.default.removeItem(atPath: temporary.file("sluice-backup-example"))
        // Restored: the finished run's store is back, so nothing is read or emitted twice.
        #expect(try readmeBlock() == [])
        #expect(try backup.latestManifest(name: "backed_up/process-0")?.epoch ?? -1 >= manifest.epoch)
    }
}
