import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// A committing sink publishes once across a crash when every process keeps
/// its own store: what a process prepared is an ordinary snapshot record,
/// read where it is stored and sent to the leader, which recovers it at start
/// (decision 0018), also when the restart has another layout.
@Suite(.serialized) struct LocalStoreCommittingSinkTests {
    private static let words = (0..<600).map { "k\(($0 * 7) % 12)" }

    @Test(arguments: [2, 3])
    func aCommittingSinkPublishesOnceAcrossACrashWithLocalStores(restartProcesses: Int) throws {
        let hosts = LocalStoreHosts()
        let ledger = Ledger()
        // The sink's early-commit check reads an in-memory store; here the stores are on disk.
        var crashing = LedgerSink(ledger: ledger, store: InMemoryRecoveryStore())
        crashing.crash = .afterPublish(commit: 2)
        func flow(_ sink: LedgerSink) -> Dataflow {
            let flow = Dataflow("local_committing")
            flow.input("words", TestingSource(Self.words)).keyOn("key") { $0 }
                .statefulMap("running") { (count: Int?, _: String) -> (Int?, Int) in
                    let next = (count ?? 0) + 1
                    return (next, next)
                }
                .map("fmt") { (pair: (key: String, value: Int)) -> String in "\(pair.key)=\(pair.value)" }
                .output("out", sink)
            return flow
        }
        let failed = try hosts.run(processes: 2, workers: 1, flowID: "local_committing") { flow(crashing) }
        #expect(!failed.isEmpty, "the first run crashes in its sink")
        let errors = try hosts.run(processes: restartProcesses, workers: 1, flowID: "local_committing") {
            flow(LedgerSink(ledger: ledger, store: InMemoryRecoveryStore()))
        }
        #expect(errors == [])
        var counts: [String: Int] = [:]
        let expected = Self.words.map { word in
            counts[word, default: 0] += 1
            return "\(word)=\(counts[word]!)"
        }.sorted()
        #expect(ledger.published.sorted() == expected, "every count published exactly once")
    }
}
