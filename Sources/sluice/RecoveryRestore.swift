import ArgumentParser
import Foundation
import SluiceBackup

/// `sluice recovery restore s3://bucket/prefix --name NAME --to DIR`:
/// restores one store's latest backup into a missing or empty directory.
///
/// ```
/// $ sluice recovery restore s3://backups/orders --name orders/process-2 --to /var/lib/orders/process-2
/// restored orders/process-2 (committed epoch 412) into /var/lib/orders/process-2
/// ```
struct RecoveryRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restores a backed-up recovery store into a directory.",
        discussion: """
            Downloads the store's latest manifest, its base and segments, checks each \
            object's SHA-256 and every row's checksum, writes the store into a temporary \
            directory and renames it into place. The target must be missing or empty. \
            A corrupted or truncated object is refused, naming it. Names are as \
            `backup-list` shows them (a run with --backup-url backs up as \
            <flow id>/process-<p>).
            """
    )

    @Argument(help: "The backup URL, s3://bucket/prefix.")
    var url: String

    @Option(help: "The store's name under the prefix, e.g. word_count/process-2.")
    var name: String

    @Option(help: "The directory to restore into (missing or empty).")
    var to: String

    func run() throws {
        let backup = try RecoveryBackup(url: url, environment: ProcessInfo.processInfo.environment)
        guard let epoch = try backup.restore(name: name, to: to) else {
            throw ValidationError("no backup named '\(name)' under \(backup.location)")
        }
        print("restored \(name) (committed epoch \(epoch)) into \(to)")
    }
}
