import ArgumentParser
import Foundation
import SluiceBackup

/// `sluice recovery backup-list s3://bucket/prefix`: every store backed up
/// under the prefix, with the epoch its latest manifest reaches.
///
/// ```
/// $ sluice recovery backup-list s3://backups/orders
/// orders/process-0   epoch 412   base + 3 segments   written 2026-12-03T14:05:11Z
/// ```
struct RecoveryBackupList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup-list",
        abstract: "Lists the recovery stores backed up under an s3:// URL.",
        discussion: """
            Reads each store's manifest under the prefix. The endpoint, region and \
            credentials come from AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3), AWS_REGION \
            and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
            """
    )

    @Argument(help: "The backup URL, s3://bucket/prefix.")
    var url: String

    func run() throws {
        let backup = try RecoveryBackup(url: url, environment: ProcessInfo.processInfo.environment)
        let entries = try backup.list()
        if entries.isEmpty { print("no backups under \(backup.location)") }
        let width = entries.map(\.name.count).max() ?? 0
        for entry in entries {
            let manifest = entry.manifest
            let padding = String(repeating: " ", count: width - entry.name.count)
            print("\(entry.name)\(padding)   epoch \(manifest.epoch)   base + \(manifest.segments.count) segments   written \(manifest.writtenAt)")
        }
    }
}
