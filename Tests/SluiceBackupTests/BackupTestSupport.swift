import Foundation
import Sluice
import SluiceBackup
import SluiceRecovery
import SluiceTesting

/// A fresh directory under the system temp dir, removed when released.
final class TemporaryDirectory {
    /// The directory's path.
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-backup-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The keyed counting flow the backup tests run: a running count per word
/// (state in the store) and a final total per word.
enum CountingFlow {
    static let id = "backup_test"

    static func make(_ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        let flow = Dataflow(id)
        let keyed = flow.input("words", source).keyOn("key") { $0 }
        keyed.statefulMap("running") { (count: Int?, _: String) in
            let next = (count ?? 0) + 1
            return (next, next)
        }
        .map("fmt_running") { "\($0.key)=\($0.value)" }
        .output("running_out", running)
        keyed.foldFinal("total", initial: { 0 }) { total, _ in total + 1 }
            .map("fmt_total") { "\($0.key)=\($0.value)" }
            .output("totals_out", totals)
        return flow
    }

    /// The words of a run: `count` items over 12 keys.
    static func words(_ count: Int) -> [String] { (0..<count).map { "k\(($0 * 7) % 12)" } }

    /// `key=count` lines of the exact totals.
    static func expectedTotals(_ words: [String]) -> [String] {
        Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +).map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// The highest running count seen per key.
    static func highest(_ lines: [String]) -> [String] {
        var highest: [String: Int] = [:]
        for line in lines {
            let parts = line.split(separator: "=")
            highest[String(parts[0])] = max(highest[String(parts[0])] ?? 0, Int(parts[1])!)
        }
        return highest.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// 2 workers, 1 ms epochs, `store` as the recovery store.
    static func configuration(store: any RecoveryStore, workers: Int = 2) -> RunConfiguration {
        var configuration = RunConfiguration(workers: workers)
        configuration.epochInterval = .milliseconds(1)
        configuration.recoveryStore = store
        return configuration
    }
}
