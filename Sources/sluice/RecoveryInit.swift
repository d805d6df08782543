import ArgumentParser
import Foundation
import SluiceRecovery

/// `sluice recovery init DIR --partitions N`: creates an empty recovery store.
///
/// ```
/// $ sluice recovery init /var/lib/job/recovery --partitions 8
/// initialized '/var/lib/job/recovery' with 8 partition files; the first run claims it for its dataflow
/// ```
struct RecoveryInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Creates an empty recovery directory with N partition files.",
        discussion: """
            Refuses a directory that already holds a store, naming it. The store \
            belongs to no dataflow until the first run with it claims it. At most \
            N workers write snapshots in parallel.
            """
    )

    @Argument(help: "The recovery directory (created if missing).")
    var directory: String

    @Option(help: "How many partition files.")
    var partitions = SQLiteRecoveryStore.defaultPartitions

    func validate() throws {
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1, got \(partitions)") }
    }

    func run() throws {
        let paths = try SQLiteRecoveryStore.initialize(directory: directory, partitions: partitions)
        print("initialized '\(directory)' with \(paths.count) partition files; the first run claims it for its dataflow")
    }
}
