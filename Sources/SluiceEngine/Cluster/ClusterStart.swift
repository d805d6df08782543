/// The start of a run across processes: every process reads the resume point
/// from the shared recovery store and checks that all read the same one;
/// then process 0 begins the new execution (compacting the store) before
/// the others join it; finally all prepare their steps (process 0 also
/// recovers committing sinks) and start their workers together.
///
/// In a single-process run every sync returns at once.
///
/// ```swift
/// let resume = try ClusterStart.recover(store, network: network)
/// ```
package enum ClusterStart {
    static let resumeReadStep = 1
    static let begunStep = 2
    /// After every process prepared its steps; workers start after it.
    static let preparedStep = 3

    /// Reads the resume point and begins the execution, in step with the other processes.
    /// - Returns: The point to resume from, or nil for a fresh start.
    /// - Throws: `DataflowError.recoveryFailed` when the store cannot be
    ///   read, `.clusterFailed` when processes disagree or a peer fails.
    static func recover(_ store: (any RecoveryStore)?, network: WorkerNetwork) throws -> ResumePoint? {
        var resume: ResumePoint?
        if let store {
            resume = try storeCall { try store.resumePoint() }
        }
        let ownEpoch = resume.map { "\($0.epoch.rawValue)" } ?? (store == nil ? "no store" : "fresh")
        let epochs = try network.sync(step: resumeReadStep, payload: Array(ownEpoch.utf8)).map { String(decoding: $0, as: UTF8.self) }
        if Set(epochs).count > 1 {
            let listed = epochs.enumerated().map { "process \($0.offset): \($0.element)" }.joined(separator: ", ")
            throw DataflowError.clusterFailed(
                reason: "the processes disagree on where to resume (\(listed)); every process must run with "
                    + "recovery on or off alike and see the same recovery directory")
        }
        var token: [UInt8] = []
        if let store, network.isLeader {
            try storeCall { try store.beginExecution(workerCount: network.workerCount) }
            if network.transport != nil {
                let mark = "execution-\(UInt64.random(in: 1...UInt64.max))"
                try storeCall { try store.markExecution(mark) }
                // Only a store that keeps the mark can prove it is shared.
                if try storeCall({ try store.executionMark() }) == mark { token = Array(mark.utf8) }
            }
        }
        let leaderToken = try network.sync(step: begunStep, payload: token)[0]
        if let store, !network.isLeader {
            if !leaderToken.isEmpty {
                let expected = String(decoding: leaderToken, as: UTF8.self)
                let seen = try storeCall { try store.executionMark() }
                guard seen == expected else {
                    throw DataflowError.clusterFailed(
                        reason: "process \(network.transport?.processIndex ?? 0) does not see the recovery store of "
                            + "process 0 (it holds \(seen.map { "mark '\($0)'" } ?? "no mark"), process 0 wrote '\(expected)'): "
                            + "every process must use the same recovery directory (one shared directory, not one per machine)")
                }
            }
            try storeCall { try store.beginExecution(workerCount: network.workerCount) }
        }
        return resume
    }

    static func storeCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DataflowError {
            throw error
        } catch {
            throw DataflowError.recoveryFailed(step: nil, key: nil, reason: "cannot open the recovery store: \(error)")
        }
    }
}
