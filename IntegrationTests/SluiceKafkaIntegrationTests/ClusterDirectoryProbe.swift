import Foundation
import Sluice
import SluiceRecovery

/// Looks into a cluster's recovery directory that running processes write
/// (each its own `process-<p>` store, decision 0018): the state the cluster
/// has committed, as a restarted cluster would compute it (read-only).
///
/// ```swift
/// let probe = ClusterDirectoryProbe(directory: "/tmp/recovery", flowID: "kafka_word_count")
/// let offsets = probe.committedStates(of: "kafka_word_count.lines", as: Int64.self)
/// ```
struct ClusterDirectoryProbe {
    /// The cluster's recovery directory.
    let directory: String
    /// The dataflow id its stores must carry.
    let flowID: String

    /// The committed state of every key of `step`, decoded from its JSON;
    /// empty while nothing is committed or while a store is still being
    /// created (a restart would then find the same or more).
    /// The cluster's committed epoch, nil before any (or while a store is being created).
    func committedEpoch() -> Epoch? {
        (try? SQLiteMemberStore.committedResumePoint(clusterDirectory: directory, flowID: flowID, checkingFiles: false))??.epoch
    }

    /// The last execution's progress across every `process-<p>` store: the
    /// highest epoch it wrote, how many of its workers wrote and ended, and its worker count.
    func lastExecution() throws -> (epoch: Epoch, workersWritten: Int, workersEnded: Int, workerCount: Int)? {
        var rows: [(execution: Int64, worker: Int64, count: Int64, epoch: Int64, ended: Bool)] = []
        for process in try SQLiteMemberStore.memberProcesses(in: directory) {
            let store = SQLiteMemberStore.memberDirectory(directory, process)
            for name in try FileManager.default.contentsOfDirectory(atPath: store)
            where name.hasPrefix("part-") && name.hasSuffix(".sqlite") {
                let db = try SQLiteConnection(path: "\(store)/\(name)", options: .init(readOnly: true))
                let query = try db.prepare("SELECT execution, worker, worker_count, epoch, ended FROM progress")
                while try query.step() {
                    rows.append(
                        (query.int64(at: 0)!, query.int64(at: 1)!, query.int64(at: 2)!, query.int64(at: 3)!,
                         query.int64(at: 4)! != 0))
                }
            }
        }
        guard let last = rows.map(\.execution).max() else { return nil }
        let workers = rows.filter { $0.execution == last }
        return (
            Epoch(UInt64(workers.map(\.epoch).max()!)), Set(workers.map(\.worker)).count,
            workers.filter(\.ended).count, Int(workers[0].count)
        )
    }

    func committedStates<State: Decodable>(of step: StepID, as type: State.Type) -> [String: State] {
        guard let resume = try? SQLiteMemberStore.committedResumePoint(clusterDirectory: directory, flowID: flowID, checkingFiles: false)
        else { return [:] }
        return (resume.states[step] ?? [:]).compactMapValues { try? JSONDecoder().decode(State.self, from: Data($0)) }
    }
}
