import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// What a `LedgerSink` published (its "downstream system"), shared by runs.
final class Ledger: Sendable {
    struct State {
        var published: [String] = []
        /// The last epoch published by each writer key (like a transaction marker).
        var marker: [String: UInt64] = [:]
        /// Commits that came before their snapshot was durable (must stay empty).
        var early: [String] = []
        var commits = 0
    }
    let state = Mutex(State())
    var published: [String] { state.withLock { $0.published } }
}

/// Where a `LedgerSink` fails on purpose (a crash point of the commit protocol).
enum LedgerCrash: Sendable, Equatable {
    /// Never.
    case none
    /// At the n-th commit, after its snapshot is durable but before publishing.
    case beforePublish(commit: Int)
    /// At the n-th commit, right after publishing.
    case afterPublish(commit: Int)
}

struct LedgerCrashError: Error {}

/// A committing sink over a `Ledger`: writes become visible only at commit, and
/// recovery republishes what was prepared but is not yet in the ledger.
struct LedgerSink: CommittingSink {
    let ledger: Ledger
    let store: InMemoryRecoveryStore
    var crash: LedgerCrash = .none

    var commitsWithSnapshots: Bool { true }

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> LedgerPartition {
        preconditionFailure("a committing sink is built with its step")
    }

    func buildPartition(step: StepID, worker: WorkerIndex, workerCount: Int) throws -> LedgerPartition {
        LedgerPartition(key: "w\(worker.rawValue)", sink: self)
    }

    func recoverPrepared(step: StepID, _ prepared: [String: [UInt8]]) throws {
        for bytes in prepared.values {
            let record = try JSONDecoder().decode(LedgerPartition.Prepared.self, from: Data(bytes))
            publish(record, through: .max)
        }
    }

    /// Publishes the segments of `record` up to `epoch` that the ledger lacks.
    func publish(_ record: LedgerPartition.Prepared, through epoch: UInt64) {
        ledger.state.withLock { state in
            let done = state.marker[record.writer] ?? 0
            for segment in record.segments where segment.epoch > done && segment.epoch <= epoch {
                state.published += segment.items
                state.marker[record.writer] = segment.epoch
            }
        }
    }
}

final class LedgerPartition: CommittingSinkPartition {
    struct Segment: Codable { var epoch: UInt64; var items: [String] }
    struct Prepared: Codable { var writer: String; var segments: [Segment] }

    private let key: String
    private let sink: LedgerSink
    private var pending: [String] = []
    private var prepared: [Segment] = []

    init(key: String, sink: LedgerSink) {
        self.key = key
        self.sink = sink
    }

    func write(_ batch: [String]) throws { pending += batch }

    func prepare(_ epoch: Epoch) throws -> [UInt8]? {
        if !pending.isEmpty {
            prepared.append(Segment(epoch: epoch.rawValue, items: pending))
            pending = []
        }
        return prepared.isEmpty ? nil : Array(try JSONEncoder().encode(Prepared(writer: key, segments: prepared)))
    }

    func commit(_ epoch: Epoch) throws {
        let count = sink.ledger.state.withLock { state in
            state.commits += 1
            if (sink.store.committedEpoch?.rawValue ?? 0) < epoch.rawValue {
                state.early.append("\(key) committed \(epoch) before its snapshot was durable")
            }
            return state.commits
        }
        if sink.crash == .beforePublish(commit: count) { throw LedgerCrashError() }
        sink.publish(Prepared(writer: key, segments: prepared), through: epoch.rawValue)
        prepared.removeAll { $0.epoch <= epoch.rawValue }
        if sink.crash == .afterPublish(commit: count) { throw LedgerCrashError() }
    }
}

/// Exactly-once output through `CommittingSink`: running counts published
/// only after their snapshot is durable, each exactly once across crashes at
/// every point of the protocol, with any worker counts.
@Suite struct CommittingSinkTests {
    private static let words = (0..<400).map { "k\(($0 * 7) % 9)" }

    /// Every running count `k=n` once: what an uninterrupted run publishes.
    private var expected: [String] {
        var counts: [String: Int] = [:]
        return Self.words.map { word in
            counts[word, default: 0] += 1
            return "\(word)=\(counts[word]!)"
        }.sorted()
    }

    private func makeFlow(_ source: TestingSource<String>, sink: LedgerSink) -> Dataflow {
        let flow = Dataflow("committing")
        flow.input("words", source).keyOn("key") { $0 }
            .statefulMap("running") { (count: Int?, _: String) in
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .map("fmt") { "\($0.key)=\($0.value)" }
            .output("out", sink)
        return flow
    }

    @Test(arguments: [1, 2, 3])
    func anUninterruptedRunPublishesEveryOutputOnceAfterItsSnapshot(workers: Int) throws {
        let ledger = Ledger()
        let store = InMemoryRecoveryStore()
        let sink = LedgerSink(ledger: ledger, store: store)
        try run(makeFlow(TestingSource(Self.words), sink: sink), configuration: recoveryConfiguration(workers: workers, store: store))
        #expect(ledger.published.sorted() == expected)
        #expect(ledger.state.withLock { $0.early }.isEmpty)
    }

    @Test(arguments: [
        (LedgerCrash.beforePublish(commit: 2), 2, 3), (.beforePublish(commit: 5), 3, 1),
        (.afterPublish(commit: 2), 1, 2), (.afterPublish(commit: 4), 2, 2), (.none, 2, 1),
    ])
    func aCrashAtAnyPointOfTheCommitPublishesEveryOutputOnce(crash: LedgerCrash, first: Int, second: Int) throws {
        let ledger = Ledger()
        let store = InMemoryRecoveryStore()
        var events = Self.words.map(TestingSource<String>.Event.item)
        events.insert(.abort, at: 300)  // a crash of the source, if the sink has not crashed before
        let source = TestingSource(events: events)
        var crashing = LedgerSink(ledger: ledger, store: store)
        crashing.crash = crash
        let failed = runBounded(makeFlow(source, sink: crashing), configuration: recoveryConfiguration(workers: first, store: store))
        #expect(throws: (any Error).self) { try failed?.get() }

        // Resume until done: the source's abort point is still ahead when the sink crashed first.
        let sink = LedgerSink(ledger: ledger, store: store)
        var runs = 1
        while runs < 3 {
            runs += 1
            let result = runBounded(makeFlow(source, sink: sink), configuration: recoveryConfiguration(workers: second, store: store))
            guard case .failure(let error) = result else { break }
            #expect(error is DataflowError && "\(error)".contains("abort point"), "only the scripted abort may stop a resumed run")
        }
        #expect(ledger.published.sorted() == expected)
        #expect(ledger.state.withLock { $0.early }.isEmpty)
    }

    @Test func aCommittingSinkWithoutARecoveryStoreIsRefusedNamingTheStep() throws {
        let sink = LedgerSink(ledger: Ledger(), store: InMemoryRecoveryStore())
        let result = runBounded(makeFlow(TestingSource(Self.words), sink: sink), configuration: RunConfiguration(workers: 1))
        #expect(throws: DataflowError.self) { try result?.get() }
        let message = result.flatMap { if case .failure(let error) = $0 { "\(error)" } else { nil } } ?? ""
        #expect(message.contains("committing.out"))
        #expect(message.contains("recovery directory"))
    }
}
