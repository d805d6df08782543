import Foundation
import Sluice
import SluiceRecovery

/// Looks into a SQLite recovery directory that other processes write: what
/// is committed (through `SQLiteRecoveryStore`, as a resuming run sees it)
/// and whether each partition file is sound (straight from the files).
///
/// ```swift
/// let probe = try RecoveryDirectoryProbe(directory: "/tmp/recovery", flowID: "kafka_word_count")
/// let offsets = try probe.committedStates(of: "kafka_word_count.lines", as: Int64.self)
/// #expect(try probe.fileProblems().isEmpty)
/// ```
struct RecoveryDirectoryProbe {
    /// The recovery directory.
    let directory: String
    /// The dataflow id its files must carry.
    let flowID: String
    /// The store, opened once (it initializes a fresh directory).
    let store: SQLiteRecoveryStore

    /// Opens (or initializes) `directory` for `flowID`.
    init(directory: String, flowID: String) throws {
        self.directory = directory
        self.flowID = flowID
        self.store = try SQLiteRecoveryStore(directory: directory, flowID: flowID)
    }

    /// The committed epoch, nil before any.
    func committedEpoch() throws -> Epoch? { try store.committedEpoch() }

    /// The committed state of every key of `step`, decoded from its JSON.
    func committedStates<State: Decodable>(of step: StepID, as type: State.Type) throws -> [String: State] {
        let states = try store.resumePoint()?.states[step] ?? [:]
        return try states.mapValues { try JSONDecoder().decode(State.self, from: Data($0)) }
    }

    /// The partition files, `part-0.sqlite` first.
    func partitionFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("part-") && $0.hasSuffix(".sqlite") }
            .sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
            .map { "\(directory)/\($0)" }
    }

    /// What is wrong with the files, one line per problem (empty when all is
    /// well): a file failing `PRAGMA integrity_check`, or carrying another
    /// flow id.
    func fileProblems() throws -> [String] {
        var problems: [String] = []
        for path in try partitionFiles() {
            let db = try SQLiteConnection(path: path, options: .init(readOnly: true))
            let integrity = try db.scalarText("PRAGMA integrity_check")
            if integrity != "ok" { problems.append("\(path): integrity_check says \(integrity ?? "nothing")") }
            let stored = try db.scalarText("SELECT value FROM meta WHERE key = 'flow_id'")
            if stored != flowID { problems.append("\(path): flow id \(stored ?? "missing"), expected \(flowID)") }
        }
        return problems
    }

    /// The last execution's progress, from every file: the highest epoch it
    /// wrote, how many of its workers wrote and ended, and its worker count.
    func lastExecution() throws -> (epoch: Epoch, workersWritten: Int, workersEnded: Int, workerCount: Int)? {
        var rows: [(execution: Int64, worker: Int64, count: Int64, epoch: Int64, ended: Bool)] = []
        for path in try partitionFiles() {
            let db = try SQLiteConnection(path: path, options: .init(readOnly: true))
            let query = try db.prepare("SELECT execution, worker, worker_count, epoch, ended FROM progress")
            while try query.step() {
                rows.append(
                    (query.int64(at: 0)!, query.int64(at: 1)!, query.int64(at: 2)!, query.int64(at: 3)!,
                     query.int64(at: 4)! != 0))
            }
        }
        guard let last = rows.map(\.execution).max() else { return nil }
        let workers = rows.filter { $0.execution == last }
        return (
            Epoch(UInt64(workers.map(\.epoch).max()!)), Set(workers.map(\.worker)).count,
            workers.filter(\.ended).count, Int(workers[0].count)
        )
    }
}
