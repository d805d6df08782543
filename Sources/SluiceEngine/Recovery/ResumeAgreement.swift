/// The decisions every process of a cluster computes, identically, from
/// every process's ``ProcessReport`` (decision 0018): the lineage, the next
/// execution number, the resume epoch (the commit rule over the union of
/// every store's progress rows) and the execution W that committed it, the
/// stores that must be read (W's members' own stores, each exactly once),
/// which process reads which, whether state is re-homed, and which own
/// stores are stale. A missing or foreign store is refused naming the
/// process and the path; nothing starts from scratch silently.
///
/// ```swift
/// let decision = try ResumeAgreement(reports: reports, workerCount: 4)
/// decision.resumeEpoch   // nil: a fresh start
/// ```
package struct ResumeAgreement: Sendable {
    /// The lineage every store of the cluster adopts.
    package let lineage: String
    /// The new execution's number.
    package let execution: Int64
    /// The resume epoch (nil: a fresh start).
    package let resumeEpoch: Int64?
    /// The execution that committed it.
    package let winner: Int64?
    /// Rows older than this are ignored when reading (0: none).
    package let readFloor: Int64
    /// The read floor the new execution inherits (its membership record's `floor`).
    package let inheritedFloor: Int64
    /// The store ids each process reads, by process.
    package let reads: [Int: Set<String>]
    /// True when every worker re-writes the keys it loads in its first snapshot.
    package let rehome: Bool
    /// The processes whose own store is stale (moved aside, replaced by a fresh one).
    package let stale: Set<Int>
    /// Paths of the former stores read (no longer needed once the re-home is committed).
    package let formerPaths: [String]

    /// Decides.
    /// - Parameters:
    ///   - reports: Every process's report, by process.
    ///   - workerCount: Workers in the new execution (the whole cluster).
    ///   - address: The address of a process, for messages (nil: unknown).
    /// - Throws: `DataflowError.recoveryFailed` naming the process, the path and the cause.
    package init(reports: [ProcessReport], workerCount: Int, address: (Int) -> String? = { _ in nil }) throws {
        let processCount = reports.count
        func fail(_ reason: String) -> DataflowError { .recoveryFailed(step: nil, key: nil, reason: reason) }
        func who(_ process: Int) -> String {
            address(process).map { "process \(process) (\($0))" } ?? "process \(process)"
        }

        // Own stores, and former stores deduplicated by id (the lowest process that sees one reads it).
        var own: [Int: StoreSummary] = [:]
        var formers: [String: (reader: Int, summary: StoreSummary)] = [:]
        for report in reports {
            for store in report.stores {
                if let owner = store.ownerProcess {
                    own[owner] = store
                } else if let known = formers[store.storeID] {
                    guard known.summary.progress.sorted(by: Self.order) == store.progress.sorted(by: Self.order),
                        Set(known.summary.memberships) == Set(store.memberships)
                    else {
                        throw fail(
                            "the former store \(store.storeID) is present twice with different contents: at "
                                + "\(known.summary.path) (seen by \(who(known.reader))) and at \(store.path) (seen by "
                                + "\(who(report.process))); keep only the newer copy")
                    }
                } else {
                    formers[store.storeID] = (report.process, store)
                }
            }
        }
        var ownerOfID: [String: Int] = [:]
        for (process, store) in own.sorted(by: { $0.key < $1.key }) {
            if let other = ownerOfID[store.storeID] {
                throw fail(
                    "\(who(other)) and \(who(process)) hold the same store (\(store.storeID), at \(store.path)): "
                        + "each process needs its own store; restore each process's own directory")
            }
            if let former = formers[store.storeID] {
                throw fail(
                    "\(who(process))'s store at \(store.path) is also present as the former store \(former.summary.path) "
                        + "(seen by \(who(former.reader))): remove the copy")
            }
            ownerOfID[store.storeID] = process
        }

        // One lineage: process 0's store's (or the lowest process's), else a former store's, else a new one.
        let withLineage =
            own.sorted { $0.key < $1.key }.map { (process: Optional($0.key), store: $0.value) }
            + formers.values.sorted { $0.summary.storeID < $1.summary.storeID }.map { (process: nil, store: $0.summary) }
        let lineage = withLineage.lazy.compactMap(\.store.lineage).first ?? reports[0].proposedLineage
        for entry in withLineage {
            if let other = entry.store.lineage, other != lineage {
                let owner = entry.process.map { "\(who($0))'s store" } ?? "the former store"
                throw fail(
                    "\(owner) at \(entry.store.path) belongs to another cluster/store (lineage \(other), this cluster's "
                        + "is \(lineage)); restore this cluster's directory there or remove it")
            }
        }

        let stores = own.values.map { $0 } + formers.values.map(\.summary)
        self.lineage = lineage
        self.execution = (stores.map(\.latestExecution).max() ?? 0) + 1

        // The resume epoch over the union of every store's rows.
        var rows: [Int64: [Int64: StoreProgress]] = [:]
        for store in stores {
            for row in store.progress {
                if let known = rows[row.execution]?[row.worker], known.epoch >= row.epoch { continue }
                rows[row.execution, default: [:]][row.worker] = row
            }
        }
        let committed = StoreProgress.committedEpochs(rows.values.flatMap(\.values))
        // Every member of the latest execution that ran (wrote a progress row
        // anywhere) must present its store: otherwise that execution's rows
        // are incomplete and the union would silently fall back to an older
        // execution, or to a fresh start.
        let memberships = stores.flatMap(\.effectiveMemberships)
        let ran = Set(rows.keys)
        if let latest = memberships.filter({ ran.contains($0.execution) }).max(by: { $0.execution < $1.execution }) {
            let present = Set(memberships.filter { $0.execution == latest.execution }.map(\.process))
            if let missing = (0..<latest.processCount).first(where: { !present.contains($0) }) {
                let holder = missing < processCount ? who(missing) : "process \(missing) of that execution (not in this cluster)"
                throw fail(
                    "process \(missing)'s store of execution \(latest.execution) is missing: \(holder) has no store "
                        + "holding it; restore its directory (or, with the whole cluster stopped, its backup: "
                        + "sluice recovery restore) and start again")
            }
        }
        // A store records the committed epoch its writers knew: the union must reach it.
        if let known = stores.compactMap(\.committedThrough).max(), known > 0,
            (committed.values.max() ?? .min) < known
        {
            let latest = stores.flatMap(\.effectiveMemberships).max { $0.execution < $1.execution }
            let present = Set(stores.flatMap(\.effectiveMemberships).filter { $0.execution == latest?.execution }.map(\.process))
            if let latest, let missing = (0..<latest.processCount).first(where: { !present.contains($0) }) {
                let holder = missing < processCount ? who(missing) : "process \(missing) of that execution (not in this cluster)"
                throw fail(
                    "process \(missing)'s store of execution \(latest.execution) is missing: \(holder) has no store "
                        + "holding it (the cluster committed epoch \(known)); restore its directory or its backup")
            }
            throw fail(
                "the recovery stores record that epoch \(known) was committed, but their progress rows reach only "
                    + (committed.values.max().map { "epoch \($0)" } ?? "no committed epoch")
                    + " (a store lost its rows or its write-ahead log?); restore the stores from a backup")
        }
        guard let resume = committed.values.max() else {
            // No complete execution anywhere: nothing to resume.
            resumeEpoch = nil
            winner = nil
            readFloor = 0
            inheritedFloor = 0
            reads = [:]
            rehome = false
            stale = []
            formerPaths = []
            return
        }
        let winner = committed.filter { $0.value == resume }.keys.max()!
        self.resumeEpoch = resume
        self.winner = winner

        // W's members' own stores: every one exactly once.
        var members: [Int: (id: String, summary: StoreSummary, record: MembershipRecord)] = [:]
        var shape: MembershipRecord?
        for store in stores {
            for record in store.effectiveMemberships where record.execution == winner {
                if let twin = members[record.process], twin.id != store.storeID {
                    throw fail(
                        "two stores claim to be process \(record.process)'s store of execution \(winner): "
                            + "\(twin.summary.path) and \(store.path); keep only the right one")
                }
                members[record.process] = (store.storeID, store, record)
                shape = shape ?? record
            }
        }
        guard let shape else {
            throw fail("no store records who took part in execution \(winner), which committed epoch \(resume)")
        }
        for process in 0..<shape.processCount where members[process] == nil {
            let holder = process < processCount ? who(process) : "process \(process) of that execution (not in this cluster)"
            throw fail(
                "process \(process)'s store of execution \(winner) is missing: \(holder) has no store holding it "
                    + "(execution \(winner) committed epoch \(resume) across \(shape.processCount) processes); "
                    + "restore its directory or its backup (as process-\(process)"
                    + (process < processCount ? "" : " in a directory of a running process") + ")")
        }
        var reads: [Int: Set<String>] = [:]
        var readsFormer = false
        var formerPaths: [String] = []
        for (process, member) in members.sorted(by: { $0.key < $1.key }) {
            if let owner = ownerOfID[member.id] {
                if owner != process {
                    throw fail(
                        "\(who(owner))'s store at \(member.summary.path) is process \(process)'s store of execution "
                            + "\(winner); put it back as process-\(process)")
                }
                reads[owner, default: []].insert(member.id)
            } else if let former = formers[member.id] {
                reads[former.reader, default: []].insert(member.id)
                readsFormer = true
                formerPaths.append(member.summary.path)
            }
        }
        let required = Set(members.values.map(\.id))
        self.reads = reads
        self.stale = Set(own.filter { !required.contains($0.value.storeID) && $0.value.hasHistory }.keys)
        self.readFloor = shape.readFloor
        self.inheritedFloor = shape.readFloor
        self.rehome = readsFormer || shape.processCount != processCount || shape.workerCount != workerCount
        self.formerPaths = formerPaths
    }

    private static func order(_ a: StoreProgress, _ b: StoreProgress) -> Bool {
        (a.execution, a.worker, a.epoch) < (b.execution, b.worker, b.epoch)
    }
}
