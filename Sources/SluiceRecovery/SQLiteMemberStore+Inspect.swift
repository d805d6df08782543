import Foundation
import SluiceEngine

/// Looking into a cluster's recovery directory without running it
/// (read-only): the resume point its `process-<p>` stores (and a former
/// store at its root) give together, as a restarted cluster of as many
/// processes would compute it (decision 0018).
extension SQLiteMemberStore {
    /// The cluster's committed resume point across the member stores of
    /// `clusterDirectory` (one directory holding every `process-<p>`, as on
    /// one host or after copying them together); nil when nothing is committed.
    ///
    /// ```swift
    /// let resume = try SQLiteMemberStore.committedResumePoint(clusterDirectory: "/data/job", flowID: "orders")
    /// print(resume?.epoch as Any)
    /// ```
    /// - Parameters:
    ///   - clusterDirectory: The cluster's recovery directory.
    ///   - flowID: The dataflow the stores must belong to.
    /// - Returns: The resume point, or nil.
    /// - Throws: The refusal a restart would meet (a missing or foreign store),
    ///   or an error naming a damaged file.
    public static func committedResumePoint(clusterDirectory: String, flowID: String) throws -> ResumePoint? {
        try committedResumePoint(clusterDirectory: clusterDirectory, flowID: flowID, checkingFiles: true)
    }

    /// ``committedResumePoint(clusterDirectory:flowID:)``, optionally
    /// without each file's integrity check (for a probe that polls a running cluster).
    package static func committedResumePoint(
        clusterDirectory: String, flowID: String, checkingFiles: Bool
    ) throws -> ResumePoint? {
        let processes = try memberProcesses(in: clusterDirectory)
        let count = (processes.max() ?? -1) + 1
        let root = try RecoveryDirectory.existingCount(in: clusterDirectory)
        guard count > 0 || root != nil else { return nil }
        var paths: [String: String] = [:]
        var reports: [ProcessReport] = []
        for process in 0..<max(count, 1) {
            var stores: [StoreSummary] = []
            let own = memberDirectory(clusterDirectory, process)
            if let files = try? RecoveryDirectory.existingCount(in: own), files > 0 {
                if checkingFiles { try StoreOpenCheck.refuseDamage(in: own, count: files, flowID: flowID) }
                stores.append(try summary(of: own, owner: process))
            }
            if process == 0, let files = root {
                if checkingFiles { try StoreOpenCheck.refuseDamage(in: clusterDirectory, count: files, flowID: flowID) }
                stores.append(try summary(of: clusterDirectory, owner: nil))
            }
            for store in stores { paths[store.storeID] = store.path }
            reports.append(ProcessReport(process: process, proposedLineage: "", stores: stores))
        }
        let agreement = try ResumeAgreement(reports: reports, workerCount: 0)
        guard let epoch = agreement.resumeEpoch else { return nil }
        var latest: [String: [String: (epoch: Int64, state: [UInt8]?)]] = [:]
        for path in agreement.reads.values.flatMap({ $0 }).compactMap({ paths[$0] }) {
            for record in try latestVersions(in: path, atOrBefore: epoch, floor: agreement.readFloor) {
                if let known = latest[record.step]?[record.key], known.epoch >= record.epoch { continue }
                latest[record.step, default: [:]][record.key] = (record.epoch, record.state)
            }
        }
        var states: [StepID: [String: [UInt8]]] = [:]
        for (step, keys) in latest {
            let live = keys.compactMapValues(\.state)
            if !live.isEmpty { states[StepID(step)] = live }
        }
        return ResumePoint(epoch: Epoch(UInt64(epoch)), states: states)
    }
}
