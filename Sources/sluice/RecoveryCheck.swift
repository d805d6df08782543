import ArgumentParser
import Foundation
import SluiceRecovery

/// `sluice recovery check DIR`: prints `ok` and exits 0 for a sound store,
/// or prints each problem and exits 1.
///
/// ```
/// $ sluice recovery check /var/lib/job/recovery
/// ok: '/var/lib/job/recovery' (4 partition files)
/// ```
struct RecoveryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks a recovery directory; exits 1 when it has problems.",
        discussion: """
            Runs SQLite's integrity check on every partition file, and checks that \
            none is missing or empty, that they agree on the store id, partition \
            index, dataflow, format and partition count, that none lost committed \
            epochs (a deleted or damaged write-ahead log), that their progress rows \
            are sane and that every stored state matches its checksum. Read-only.
            """
    )

    @Argument(help: "The recovery directory.")
    var directory: String

    func run() throws {
        if let cluster = try ClusterDirectory(directory: directory) {
            let problems = try cluster.stores.flatMap { try SQLiteRecoveryStore.checkIntegrity(directory: $0) }
                + (cluster.refusal.map { ["a restart is refused: \($0)"] } ?? [])
            guard problems.isEmpty else {
                print("\(problems.count) problem\(problems.count == 1 ? "" : "s") in '\(directory)':")
                for problem in problems { print("- \(problem)") }
                throw ExitCode(1)
            }
            print("ok: '\(directory)' (\(cluster.stores.count) stores: \(cluster.stores.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))")
            return
        }
        let problems = try SQLiteRecoveryStore.checkIntegrity(directory: directory)
        guard problems.isEmpty else {
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s") in '\(directory)':")
            for problem in problems { print("- \(problem)") }
            throw ExitCode(1)
        }
        let summary = try SQLiteRecoveryStore.inspect(directory: directory)
        print("ok: '\(directory)' (\(summary.partitions.count) partition files)")
    }
}
