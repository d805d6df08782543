import SluiceEngine

/// The checks a recovery directory must pass, over what its files say
/// about themselves (``PartitionFacts``): SQLite's integrity check, none
/// missing or empty, one identity (``StoreIdentity``), no lost committed
/// epochs (``LostEpochs``), sane progress, rows matching their checksums.
/// Each problem is one sentence naming the file.
///
/// ```swift
/// let problems = RecoveryIntegrity.problems(directory: dir, facts: facts, unreadable: [:], complaints: [:])
/// ```
enum RecoveryIntegrity {
    /// The problems of a directory.
    /// - Parameters:
    ///   - directory: The recovery directory.
    ///   - facts: The readable files' facts.
    ///   - unreadable: Files that could not be opened or read, with why, by index.
    ///   - complaints: `PRAGMA integrity_check` complaints, by index.
    /// - Returns: One sentence per problem; empty when the store is sound.
    static func problems(
        directory: String, facts: [PartitionFacts], unreadable: [Int: String], complaints: [Int: [String]]
    ) -> [String] {
        var problems: [String] = []
        let indices = Set(facts.map(\.index)).union(unreadable.keys)
        let fileCount = (indices.max() ?? -1) + 1
        for index in 0..<fileCount where !indices.contains(index) {
            problems.append("partition file '\(RecoveryDirectory.path(directory, index))' is missing")
        }
        for (index, reason) in unreadable.sorted(by: { $0.key < $1.key }) {
            problems.append("cannot read '\(RecoveryDirectory.path(directory, index))': \(reason)")
        }
        for fact in facts {
            for line in complaints[fact.index] ?? [] {
                problems.append("'\(fact.path)' fails SQLite's integrity check: \(line)")
            }
        }
        for fact in facts where fact.schemaVersion == .empty {
            problems.append(RecoveryStoreError.emptyPartition(path: fact.path).description)
        }
        problems += metaProblems(facts, fileCount: fileCount)
        problems += progressProblems(facts, fileCount: fileCount)
        let identities = facts.compactMap(\.identity)
        problems += StoreIdentity.problems(identities, flowID: nil).map(\.description)
        if identities.count == facts.count, unreadable.isEmpty {
            problems += LostEpochs.find(identities, partitionCount: fileCount).map(\.description)
        }
        problems += facts.flatMap(\.checksumProblems).map(\.description)
        return problems
    }

    /// Flow ids, format versions and recorded partition counts must agree.
    private static func metaProblems(_ facts: [PartitionFacts], fileCount: Int) -> [String] {
        var problems: [String] = []
        let claimed = facts.filter { $0.flowID != nil }
        if Set(claimed.compactMap(\.flowID)).count > 1 {
            let owners = claimed.map { "'\($0.path)' → '\($0.flowID!)'" }.joined(separator: ", ")
            problems.append("the files belong to different dataflows: \(owners)")
        }
        for fact in facts {
            if fact.schemaVersion >= SchemaVersion(1) {
                guard let text = fact.formatVersion, let version = Int(text) else {
                    problems.append("'\(fact.path)' has no valid format_version (found \(fact.formatVersion.map { "'\($0)'" } ?? "none"))")
                    continue
                }
                if version > SnapshotFormatVersion.current.rawValue {
                    problems.append("'\(fact.path)' holds snapshot format \(version), newer than this Sluice's \(SnapshotFormatVersion.current.rawValue)")
                }
            }
            if let recorded = fact.partitionCount, Int(recorded) != fileCount {
                problems.append("'\(fact.path)' belongs to a store of \(recorded) partition files, but the directory holds \(fileCount)")
            }
        }
        return problems
    }

    /// Progress rows must name workers in range, in the file their worker
    /// writes, once, with one worker count per execution; snapshot rows after
    /// the committed epoch must come with a progress row that far.
    private static func progressProblems(_ facts: [PartitionFacts], fileCount: Int) -> [String] {
        var problems: [String] = []
        var placed: [ProgressKey: [String]] = [:]
        var counts: [Int64: Set<Int64>] = [:]
        for fact in facts {
            for row in fact.progress {
                let what = "'\(fact.path)': progress of worker \(row.worker) in execution \(row.execution)"
                if row.workerCount < 1 || row.worker < 0 || row.worker >= row.workerCount {
                    problems.append("\(what) is out of range for \(row.workerCount) workers")
                } else if fileCount > 0, Int(row.worker) % fileCount != fact.index {
                    problems.append("\(what) belongs in part-\(Int(row.worker) % fileCount).sqlite")
                }
                if row.epoch < 0 { problems.append("\(what) has a negative epoch \(row.epoch)") }
                placed[ProgressKey(execution: row.execution, worker: row.worker), default: []].append(fact.path)
                counts[row.execution, default: []].insert(row.workerCount)
            }
        }
        for (key, paths) in placed.sorted(by: { ($0.key.execution, $0.key.worker) < ($1.key.execution, $1.key.worker) })
        where paths.count > 1 {
            problems.append("worker \(key.worker) of execution \(key.execution) has progress rows in several files: "
                + paths.map { "'\($0)'" }.joined(separator: ", "))
        }
        for (execution, values) in counts.sorted(by: { $0.key < $1.key }) where values.count > 1 {
            problems.append("the progress rows of execution \(execution) disagree on its worker count: \(values.sorted())")
        }
        let committed = ProgressRow.committedEpoch(facts.flatMap(\.progress)) ?? 0
        for fact in facts {
            guard let newest = fact.newestSnapshotEpoch, newest > committed else { continue }
            let progressed = fact.progress.map(\.epoch).max() ?? Int64.min
            if newest > progressed {
                problems.append("'\(fact.path)' holds snapshot rows up to epoch \(newest), after the committed epoch "
                    + "\(committed), without a progress row that far")
            }
        }
        return problems
    }

    private struct ProgressKey: Hashable {
        let execution: Int64
        let worker: Int64
    }
}
