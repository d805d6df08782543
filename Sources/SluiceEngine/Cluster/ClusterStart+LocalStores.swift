import Foundation
import Logging

/// The start of a run whose processes each keep their own recovery store
/// (decision 0018): every process reports the stores it sees, all compute
/// the same ``ResumeAgreement``, each reads the state its stores hold for
/// the resume epoch and sends it to the others, every process merges the
/// same full resume point, and then each begins the execution in its own
/// store.
///
/// ```swift
/// let start = try ClusterStart.recoverLocal(member, network: network, freshEpoch: Epoch(1), logger: logger)
/// start.resume?.epoch
/// ```
extension ClusterStart {
    /// First synchronization step of the store reports (and their chunks).
    static let reportsStep = 100
    /// First synchronization step of the resume state (and its chunks).
    static let statesStep = 1_000_000

    /// How a run with local stores starts.
    package struct LocalStart {
        /// The point to resume from, or nil for a fresh start.
        package let resume: ResumePoint?
        /// True when every worker re-writes the keys it loads in its first snapshot.
        package let rehome: Bool
        /// The execution's first epoch.
        package let firstEpoch: Epoch
        /// The former stores read (deletable once the first epoch is committed).
        package let formerPaths: [String]
    }

    /// Agrees on the resume point with the other processes and begins the execution in `store`.
    /// - Parameters:
    ///   - freshEpoch: The first epoch of a fresh start.
    /// - Throws: `DataflowError.recoveryFailed` naming the process, the store
    ///   and the cause; `.clusterFailed` when a peer fails.
    static func recoverLocal(
        _ store: any LocalRecoveryStore, network: WorkerNetwork, freshEpoch: Epoch, logger: Logger
    ) throws -> LocalStart {
        let process = network.transport?.processIndex ?? 0
        let processCount = network.transport?.processCount ?? 1
        guard store.processIndex == process else {
            throw DataflowError.recoveryFailed(
                step: nil, key: nil,
                reason: "the recovery store was opened for process \(store.processIndex), but this is process \(process)")
        }
        let summaries = try storeCall { try store.summaries(processCount: processCount) }
        let report = ProcessReport(process: process, proposedLineage: UUID().uuidString.lowercased(), stores: summaries)
        let reports = try network.syncChunked(base: reportsStep, payload: Array(try JSONEncoder().encode(report)))
            .enumerated().map { process, bytes in
                do {
                    return try JSONDecoder().decode(ProcessReport.self, from: Data(bytes))
                } catch {
                    throw DataflowError.clusterFailed(reason: "process \(process)'s recovery store report is invalid: \(error)")
                }
            }
        let agreement = try ResumeAgreement(
            reports: reports, workerCount: network.workerCount,
            address: { network.transport?.address(ofProcess: $0) })

        var resume: ResumePoint?
        if let epoch = agreement.resumeEpoch {
            let started = ContinuousClock.now
            let mine = try storeCall {
                try store.latestVersions(storeIDs: agreement.reads[process] ?? [], atOrBefore: epoch, floor: agreement.readFloor)
            }
            let read = ContinuousClock.now
            let everyones = try network.syncChunked(base: statesStep, payload: VersionedRecordCoding.encode(mine))
            resume = try Self.merge(everyones, epoch: epoch)
            logger.info(
                "recovery: resuming from epoch \(epoch)",
                metadata: [
                    "keys_read": "\(mine.count)", "read_s": "\(started.duration(to: read))",
                    "exchange_merge_s": "\(read.duration(to: .now))", "execution": "\(agreement.execution)",
                ])
        }
        let firstEpoch = resume.map { $0.epoch.next } ?? freshEpoch
        let record = MembershipRecord(
            execution: agreement.execution, process: process, processCount: processCount,
            workerCount: network.workerCount, firstEpoch: Int64(firstEpoch.rawValue), rehomed: agreement.rehome,
            floor: agreement.inheritedFloor)
        if agreement.stale.contains(process), let own = summaries.first(where: \.isOwn) {
            logger.warning(
                "recovery: process \(process)'s store at \(own.path) holds no part of the resumed history; it is moved aside (renamed with a .stale-\(agreement.execution) suffix) and a fresh store created")
        }
        try storeCall {
            try store.begin(
                MemberPlan(
                    membership: record, lineage: agreement.lineage, resumeEpoch: agreement.resumeEpoch,
                    winner: agreement.winner, moveAside: agreement.stale.contains(process)))
        }
        _ = try network.sync(step: begunStep)
        if agreement.rehome, network.isLeader {
            logger.notice(
                "recovery: the layout changed; every worker re-writes the state it loaded in epoch \(firstEpoch)",
                metadata: ["execution": "\(agreement.execution)", "resume": "\(agreement.resumeEpoch ?? 0)"])
        }
        return LocalStart(resume: resume, rehome: agreement.rehome, firstEpoch: firstEpoch, formerPaths: agreement.formerPaths)
    }

    /// Every process's records merged by latest epoch into a resume point (discarded keys absent).
    private static func merge(_ payloads: [[UInt8]], epoch: Int64) throws -> ResumePoint {
        var latest: [String: [String: (epoch: Int64, state: [UInt8]?)]] = [:]
        for (process, bytes) in payloads.enumerated() {
            let records: [VersionedRecord]
            do { records = try VersionedRecordCoding.decode(bytes) } catch {
                throw DataflowError.clusterFailed(reason: "process \(process)'s resume state is invalid: \(error)")
            }
            for record in records {
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
