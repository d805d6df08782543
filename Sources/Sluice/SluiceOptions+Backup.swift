import Foundation
import SluiceBackup
import SluiceEngine
import SluiceRecovery

/// `--backup-url` / `SLUICE_BACKUP_URL`: the recovery store of `-r` backed up
/// to an S3 bucket. At start the bucket is checked (unreachable or refused
/// credentials stop the run within seconds, naming endpoint and bucket) and
/// a recovery directory without a store is restored from the latest
/// manifest; while the run goes on, committed snapshots are uploaded at most
/// every backup interval (`-b`, at least one epoch); when it ends, what is
/// committed is uploaded before `run` returns.
///
/// Each process backs up under `<prefix>/<flow id>/process-<p>` (p = its
/// cluster process id, 0 alone).
///
/// ```
/// $ AWS_ENDPOINT_URL=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… \
///     my-job -r /var/lib/job/recovery --backup-url s3://backups/jobs
/// ```
extension SluiceOptions {
    /// A backup ready to wrap the store it restored (or found present).
    package struct ObjectStorageBackup {
        /// The backup.
        package let backup: RecoveryBackup
        /// The store directory.
        package let directory: String
        /// The store's name under the prefix.
        package let name: String

        /// The store wrapped so that its committed epochs are uploaded.
        package func uploading(_ store: SQLiteRecoveryStore, interval seconds: Double, epochInterval: Duration)
            -> BackedUpRecoveryStore
        {
            let interval = seconds > 0 ? Duration.milliseconds(Int64((seconds * 1000).rounded())) : epochInterval
            let uploader = BackupUploader(backup: backup, directory: directory, name: name, store: store, interval: interval)
            return BackedUpRecoveryStore(store: store, uploader: uploader)
        }

        /// A cluster member's store wrapped so that, once it opens its files,
        /// its committed epochs are uploaded.
        package func uploading(_ member: SQLiteMemberStore, interval seconds: Double, epochInterval: Duration)
            -> BackedUpMemberStore
        {
            let interval = seconds > 0 ? Duration.milliseconds(Int64((seconds * 1000).rounded())) : epochInterval
            let (backup, directory, name) = (backup, directory, name)
            return BackedUpMemberStore(member: member) { opened in
                BackupUploader(backup: backup, directory: directory, name: name, store: opened, interval: interval)
            }
        }
    }

    /// The backup URL of `--backup-url` or `SLUICE_BACKUP_URL`, if any.
    package func backupURLValue(environment: [String: String]) -> String? {
        backupURL ?? environment["SLUICE_BACKUP_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// With a backup URL: checks the bucket, restores `directory` when it
    /// holds no store, and returns what wraps the store; nil without a URL.
    /// - Throws: `BackupError` naming the endpoint, bucket, object or setting.
    /// - Parameter restoring: Whether a missing store is restored. A cluster
    ///   member's is not: its backup can be behind the other members' stores,
    ///   and resuming from a mix is not yet made safe, so a wiped member is
    ///   refused (naming it) and an operator restores it with
    ///   `sluice recovery restore` once the cluster is stopped (docs/backup.md).
    package func objectStorageBackup(
        for flow: Dataflow, directory: String, environment: [String: String], restoring: Bool = true
    ) throws -> ObjectStorageBackup? {
        guard let url = backupURLValue(environment: environment) else { return nil }
        let backup = try RecoveryBackup(url: url, environment: environment)
        let process = try cluster(environment: environment)?.processID.rawValue ?? 0
        let name = "\(flow.id)/process-\(process)"
        try backup.checkAccess()
        if restoring { try backup.restoreIfMissing(directory: directory, name: name) }
        return ObjectStorageBackup(backup: backup, directory: directory, name: name)
    }

    /// Uploads what the run committed before returning (a failure is
    /// printed: the store itself is intact, only the bucket lags).
    package static func finishBackup(of configuration: RunConfiguration) {
        let uploader =
            (configuration.recoveryStore as? BackedUpRecoveryStore)?.uploader
            ?? (configuration.recoveryStore as? BackedUpMemberStore)?.uploader
        guard let uploader else { return }
        do { try uploader.finish() } catch {
            FileHandle.standardError.write(Data("warning: the final backup upload did not complete: \(error)\n".utf8))
        }
    }
}
