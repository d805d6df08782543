/// A recovery store that lives on this process's own disk, one per member
/// of a cluster (decision 0018). Instead of reading one shared store, the
/// processes of a cluster exchange ``StoreSummary`` values, agree on the
/// resume epoch (``ResumeAgreement``), read the state their stores hold and
/// broadcast it, and only then begin the execution in each own store.
/// `SluiceRecovery`'s `SQLiteMemberStore` implements it.
///
/// ```swift
/// if let member = configuration.recoveryStore as? any LocalRecoveryStore {
///     let summaries = try member.summaries(processCount: 2)
/// }
/// ```
package protocol LocalRecoveryStore: RecoveryStore {
    /// The process this store belongs to (`DIR/process-<p>`).
    var processIndex: Int { get }
    /// Summaries of the own store (first; absent when there is none yet)
    /// and of every former store this process can see: `process-<q>` with
    /// q ≥ `processCount`, and a store at the directory's root. Read-only.
    /// - Throws: An error naming the store and file that cannot be used.
    func summaries(processCount: Int) throws -> [StoreSummary]
    /// Every key's latest version at or before `epoch` and not older than
    /// `floor`, in the stores of `storeIDs` this process reported (discarded
    /// keys as records without state). Read-only.
    func latestVersions(storeIDs: Set<String>, atOrBefore epoch: Int64, floor: Int64) throws -> [VersionedRecord]
    /// Begins the execution in the own store: moves a stale own store aside
    /// (when `plan.moveAside`), opens or creates the own store, adopts the
    /// lineage, records the membership and drops what the resume does not need.
    func begin(_ plan: MemberPlan) throws
}

/// What one process does to its own store when an execution begins, as
/// decided by ``ResumeAgreement``.
///
/// ```swift
/// try store.begin(MemberPlan(membership: record, lineage: lineage, resumeEpoch: 57, winner: 3, moveAside: false))
/// ```
package struct MemberPlan: Sendable {
    /// The record to write (execution, process, shape, first epoch, re-home, floor).
    package let membership: MembershipRecord
    /// The lineage the store adopts.
    package let lineage: String
    /// The cluster's resume epoch (nil: a fresh start).
    package let resumeEpoch: Int64?
    /// The execution that committed it (its progress rows are kept).
    package let winner: Int64?
    /// True when the own store holds history the resume does not use: it is
    /// renamed `process-<p>.stale-<execution>` and a fresh one created.
    package let moveAside: Bool

    /// Creates a plan.
    package init(membership: MembershipRecord, lineage: String, resumeEpoch: Int64?, winner: Int64?, moveAside: Bool) {
        self.membership = membership
        self.lineage = lineage
        self.resumeEpoch = resumeEpoch
        self.winner = winner
        self.moveAside = moveAside
    }
}

/// One key's latest stored version: the resume state a process reads from
/// its stores and sends to the others at start.
///
/// ```swift
/// let record = VersionedRecord(step: "flow.count", key: "apple", epoch: 12, state: Array("3".utf8))
/// ```
package struct VersionedRecord: Hashable, Sendable {
    /// The step.
    package let step: String
    /// The key.
    package let key: String
    /// The epoch of the version.
    package let epoch: Int64
    /// The state; nil when the key was discarded.
    package let state: [UInt8]?

    /// Creates a record.
    package init(step: String, key: String, epoch: Int64, state: [UInt8]?) {
        self.step = step
        self.key = key
        self.epoch = epoch
        self.state = state
    }
}
