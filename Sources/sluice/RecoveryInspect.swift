import ArgumentParser
import Foundation
import SluiceRecovery

/// `sluice recovery inspect DIR [--json]`: what a recovery directory holds,
/// and its integrity check.
///
/// ```
/// $ sluice recovery inspect /var/lib/job/recovery
/// recovery directory '/var/lib/job/recovery'
///   dataflow:        word_count
///   committed epoch: 41 (a run resumes from its snapshot, at epoch 42)
///   …
/// ```
struct RecoveryInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Shows what a recovery directory holds.",
        discussion: """
            For a cluster's directory (process-<p> stores), where a restarted cluster resumes, then each store. \
            Shows the store id, the dataflow, snapshot format, committed epoch, partition files \
            (size, rows), the executions whose progress is kept (workers, last \
            epochs, ended), each step's live keys at the committed epoch, and the \
            integrity check (see `check`). Read-only.
            """
    )

    /// The `--json` document: the summary and the integrity problems.
    struct Report: Codable {
        let store: RecoveryStoreSummary
        let problems: [String]
    }

    @Argument(help: "The recovery directory.")
    var directory: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The `--json` document of a cluster's directory: the cluster's view and each store's report.
    struct ClusterReport: Codable {
        let cluster: ClusterDirectory
        let stores: [Report]
    }

    func run() throws {
        if let cluster = try ClusterDirectory(directory: directory) {
            let reports = try cluster.stores.map {
                Report(
                    store: try SQLiteRecoveryStore.inspect(directory: $0),
                    problems: try SQLiteRecoveryStore.checkIntegrity(directory: $0))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(ClusterReport(cluster: cluster, stores: reports)), as: UTF8.self))
            } else {
                print(cluster.text + reports.map(Self.text).joined(), terminator: "")
            }
            return
        }
        let report = Report(
            store: try SQLiteRecoveryStore.inspect(directory: directory),
            problems: try SQLiteRecoveryStore.checkIntegrity(directory: directory))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report), terminator: "")
        }
    }

    /// The report as text, one fact per line.
    static func text(_ report: Report) -> String {
        let store = report.store
        var out = "recovery directory '\(store.directory)'\n"
        out += "  store id:        \(store.storeID ?? "none (written before store ids; the next run gives it one)")\n"
        out += "  dataflow:        \(store.flowID ?? "none yet (the first run claims it)")\n"
        out += "  format version:  \(store.formatVersion.map(String.init) ?? "unknown")\n"
        if let epoch = store.committedEpoch {
            out += "  committed epoch: \(epoch) (a run resumes from its snapshot, at epoch \(epoch + 1))\n"
        } else {
            out += "  committed epoch: none (a run starts from the beginning)\n"
        }
        out += "  partition files: \(store.partitions.count)\n"
        for file in store.partitions {
            let name = (file.path as NSString).lastPathComponent
            out += "    \(name): \(file.bytes) bytes + \(file.walBytes) bytes of WAL, \(file.snapshotRows) snapshot rows\n"
        }
        out += "  executions:      \(store.executions.isEmpty ? "none" : "")\n"
        for execution in store.executions {
            let workers = execution.workers.map { "worker \($0.index) at epoch \($0.lastEpoch)\($0.ended ? " (ended)" : "")" }
            out += "    #\(execution.id), \(execution.workerCount) workers: \(workers.joined(separator: ", "))\n"
        }
        out += "  steps:           \(store.steps.isEmpty ? "none" : "")\n"
        for step in store.steps {
            out += "    \(step.id): \(step.liveKeys) keys"
            out += step.discardedKeys > 0 ? " (+\(step.discardedKeys) discarded)\n" : "\n"
        }
        if report.problems.isEmpty {
            out += "  integrity:       ok\n"
        } else {
            out += "  integrity:       \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")\n"
            for problem in report.problems { out += "    - \(problem)\n" }
        }
        return out
    }
}
