/// What a process tells the others about one recovery store it can see
/// (its own, or a former store left by an earlier layout), so that every
/// process computes the same resume decisions (``ResumeAgreement``).
///
/// ```swift
/// let summary = StoreSummary(path: "/data/process-1", storeID: id, lineage: nil, flowID: "orders",
///                            formatVersion: 1, ownerProcess: 1, memberships: [], progress: [], committedThrough: nil)
/// summary.isOwn   // true
/// ```
package struct StoreSummary: Codable, Hashable, Sendable {
    /// The store's directory (as the reporting process sees it).
    package let path: String
    /// The store's random id (the same in each of its files).
    package let storeID: String
    /// The cluster history it belongs to (nil: not yet adopted).
    package let lineage: String?
    /// The dataflow it belongs to (nil: not claimed yet).
    package let flowID: String?
    /// Its snapshot format version.
    package let formatVersion: Int?
    /// The process whose own store it is (`DIR/process-<p>`), or nil for a
    /// former store (`process-<q>` with q ≥ the process count, or the
    /// single-process store at the directory's root).
    package let ownerProcess: Int?
    /// Its membership records.
    package let memberships: [MembershipRecord]
    /// Its progress rows.
    package let progress: [StoreProgress]
    /// The highest collection threshold any of its writers knew (nil: none).
    package let committedThrough: Int64?

    /// Creates a summary.
    package init(
        path: String, storeID: String, lineage: String?, flowID: String?, formatVersion: Int?, ownerProcess: Int?,
        memberships: [MembershipRecord], progress: [StoreProgress], committedThrough: Int64?
    ) {
        self.path = path
        self.storeID = storeID
        self.lineage = lineage
        self.flowID = flowID
        self.formatVersion = formatVersion
        self.ownerProcess = ownerProcess
        self.memberships = memberships
        self.progress = progress
        self.committedThrough = committedThrough
    }

    /// True for a process's own store.
    package var isOwn: Bool { ownerProcess != nil }

    /// True when the store holds any history (progress or membership).
    package var hasHistory: Bool { !progress.isEmpty || !memberships.isEmpty }

    /// The membership records, or for a store written before them (a
    /// single-process store) one record per execution of its progress rows,
    /// as process 0 of 1.
    package var effectiveMemberships: [MembershipRecord] {
        guard memberships.isEmpty else { return memberships }
        return Dictionary(grouping: progress, by: \.execution).map { execution, rows in
            MembershipRecord(
                execution: execution, process: 0, processCount: 1, workerCount: Int(rows.map(\.workerCount).max() ?? 0),
                firstEpoch: 0, rehomed: false, floor: 0)
        }
    }

    /// The highest execution the store knows of (0: none).
    package var latestExecution: Int64 {
        max(progress.map(\.execution).max() ?? 0, memberships.map(\.execution).max() ?? 0)
    }
}
