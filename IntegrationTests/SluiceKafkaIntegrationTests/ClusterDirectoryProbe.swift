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
    func committedStates<State: Decodable>(of step: StepID, as type: State.Type) -> [String: State] {
        guard let resume = try? SQLiteMemberStore.committedResumePoint(clusterDirectory: directory, flowID: flowID)
        else { return [:] }
        return (resume.states[step] ?? [:]).compactMapValues { try? JSONDecoder().decode(State.self, from: Data($0)) }
    }
}
