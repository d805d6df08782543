import Foundation
import Sluice
import SluiceBackup
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport

/// The keyed counting flow the backup tests run: a running count per word
/// (state in the store) and a final total per word.
enum CountingFlow {
    static let id = "backup_test"

    static func make(_ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>) -> Dataflow {
        runningCountsAndTotals(id, source, running: running, totals: totals)
    }

    /// The words of a run: `count` items over 12 keys.
    static func words(_ count: Int) -> [String] { (0..<count).map { "k\(($0 * 7) % 12)" } }

    /// `key=count` lines of the exact totals.
    static func expectedTotals(_ words: [String]) -> [String] {
        Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +).map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// The highest running count seen per key.
    static func highest(_ lines: [String]) -> [String] {
        highestCounts(lines).map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// 2 workers, 1 ms epochs, `store` as the recovery store.
    static func configuration(store: any RecoveryStore, workers: Int = 2) -> RunConfiguration {
        recoveryConfiguration(workers: workers, store: store)
    }
}
