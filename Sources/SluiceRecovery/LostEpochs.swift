/// Finds partition files that went back in time. After a crash, recent
/// commits live only in a file's write-ahead log; if that log is deleted,
/// truncated or damaged, SQLite silently opens the file as it was before
/// them. Each write records, in its own transaction, the collection
/// threshold its writer knew (the committed epoch minus the backup epochs:
/// versions a resume from before it needs may already be deleted), and
/// after the write the same value is witnessed in the next partition file.
/// If the files' progress now yields a committed epoch below the highest
/// threshold any file recorded, the files whose progress stops short of it
/// lost committed epochs.
///
/// ```swift
/// if let lost = LostEpochs.find(files, partitionCount: 4).first { throw lost }
/// ```
enum LostEpochs {
    /// The files that lost committed epochs, as errors naming each.
    /// - Parameters:
    ///   - files: Every partition file's identity (progress and recorded threshold).
    ///   - partitionCount: How many partition files the store has.
    /// - Returns: One error per file that went back; empty when the progress reaches every recorded threshold.
    static func find(_ files: [FileIdentity], partitionCount: Int) -> [RecoveryStoreError] {
        guard let known = files.compactMap(\.committedThrough).max() else { return [] }
        let rows = files.flatMap(\.progress)
        // A cluster member's store holds its own process's workers only (decision 0018).
        let local = MembershipRows.localWorkers(files.flatMap(\.memberships))
        if let committed = ProgressRow.committedEpochs(rows, localWorkers: local).values.max(), committed >= known {
            return []
        }
        var lost: [RecoveryStoreError] = []
        if let latest = rows.map(\.execution).max(), partitionCount > 0 {
            let latestRows = Dictionary(
                rows.filter { $0.execution == latest }.map { (Int($0.worker), $0) }, uniquingKeysWith: { a, _ in a })
            let workerCount = Int(rows.filter { $0.execution == latest }.map(\.workerCount).max() ?? 0)
            let expected = local[latest] ?? 0..<workerCount
            for file in files {
                var behind = false
                var lastKept: Int64?
                for worker in stride(from: file.index, to: workerCount, by: partitionCount) where expected.contains(worker) {
                    if let row = latestRows[worker] {
                        if !row.ended && row.epoch < known {
                            behind = true
                            lastKept = min(lastKept ?? row.epoch, row.epoch)
                        }
                    } else {
                        behind = true
                    }
                }
                if behind {
                    let kept = lastKept ?? file.progress.map(\.epoch).max().flatMap { $0 < known ? $0 : nil }
                    lost.append(.lostCommittedEpochs(path: file.path, lastKept: kept, through: known))
                }
            }
        }
        if lost.isEmpty {
            // No execution tells which file fell behind: name every file short of the threshold.
            for file in files where (file.progress.map(\.epoch).max() ?? Int64.min) < known {
                lost.append(.lostCommittedEpochs(path: file.path, lastKept: file.progress.map(\.epoch).max(), through: known))
            }
        }
        return lost
    }
}
