import Foundation
import SluiceRecovery

/// A cluster's recovery directory as `sluice recovery inspect` and `check`
/// see it (decision 0018): the `process-<p>` stores it holds, a store at its
/// root (a former single-process store), and where a restarted cluster
/// would resume.
///
/// ```swift
/// if let cluster = try ClusterDirectory(directory: "/data/job") { print(cluster.stores) }
/// ```
struct ClusterDirectory: Codable {
    /// The directory.
    let directory: String
    /// The store directories in it: `process-0` … first, then the root's.
    let stores: [String]
    /// Where a restarted cluster resumes (nil: from the beginning, or refused).
    let committedEpoch: UInt64?
    /// Why a restart would be refused, if it would.
    let refusal: String?

    /// Reads `directory`; nil when it holds no `process-<p>` store.
    /// - Parameter flowID: The dataflow the stores must carry (nil: the one they record).
    init?(directory: String, flowID: String? = nil) throws {
        let members = try SQLiteMemberStore.memberProcesses(in: directory).map {
            SQLiteMemberStore.memberDirectory(directory, $0)
        }.filter { FileManager.default.fileExists(atPath: "\($0)/part-0.sqlite") }
        guard !members.isEmpty else { return nil }
        let root = FileManager.default.fileExists(atPath: "\(directory)/part-0.sqlite") ? [directory] : []
        self.directory = directory
        self.stores = members + root
        let flow = flowID ?? stores.lazy.compactMap { try? SQLiteRecoveryStore.inspect(directory: $0).flowID }.first
        do {
            let resume = try flow.flatMap { try SQLiteMemberStore.committedResumePoint(clusterDirectory: directory, flowID: $0) }
            committedEpoch = resume?.epoch.rawValue
            refusal = nil
        } catch {
            committedEpoch = nil
            refusal = "\(error)"
        }
    }

    /// One line per fact, for `inspect`.
    var text: String {
        var out = "cluster recovery directory '\(directory)': \(stores.count) store\(stores.count == 1 ? "" : "s")\n"
        if let refusal {
            out += "  a restart is refused: \(refusal)\n"
        } else if let epoch = committedEpoch {
            out += "  cluster committed epoch: \(epoch) (a restarted cluster resumes at epoch \(epoch + 1))\n"
        } else {
            out += "  cluster committed epoch: none (a restarted cluster starts from the beginning)\n"
        }
        return out
    }
}
