/// Looking into a recovery directory without running a dataflow: a summary
/// and an integrity check. Both open the files read-only (nothing is
/// migrated, claimed or collected), so they are safe on a store in use.
///
/// ```swift
/// let problems = try SQLiteRecoveryStore.checkIntegrity(directory: "/var/lib/job/recovery")
/// if !problems.isEmpty { print(problems.joined(separator: "\n")) }
/// ```
extension SQLiteRecoveryStore {
    /// Summarizes a recovery directory (read-only).
    ///
    /// ```swift
    /// let summary = try SQLiteRecoveryStore.inspect(directory: "/var/lib/job/recovery")
    /// print(summary.committedEpoch.map { "resumes after epoch \($0)" } ?? "starts fresh")
    /// ```
    /// - Parameter directory: The recovery directory.
    /// - Returns: Its dataflow, format, files, committed epoch, executions and steps.
    /// - Throws: ``RecoveryStoreError/notAStore(path:)`` when it holds no
    ///   partition files; an SQLite error naming a file that cannot be read.
    public static func inspect(directory: String) throws -> RecoveryStoreSummary {
        let files = try RecoveryDirectory.openReadOnly(directory)
        let facts = try files.map { try PartitionFacts.read(index: $0.index, db: $0.db) }
        let rows = facts.flatMap(\.progress)
        // A cluster member's store: the epoch its own workers all reached (decision 0018).
        let local = MembershipRows.localWorkers(facts.compactMap(\.identity).flatMap(\.memberships))
        let committed = ProgressRow.committedEpochs(rows, localWorkers: local).values.max()
        var liveness = LatestVersions<Bool>()
        if let committed {
            for file in files {
                try liveness.readLiveness(file.db, atOrBefore: committed)
            }
        }
        let steps = liveness.versions.map { step, keys in
            let live = keys.values.filter(\.payload).count
            return RecoveryStoreSummary.Step(id: step, liveKeys: live, discardedKeys: keys.count - live)
        }
        let executions = Dictionary(grouping: rows, by: \.execution).map { id, workers in
            RecoveryStoreSummary.Execution(
                id: id, workerCount: Int(workers.map(\.workerCount).max() ?? 0),
                workers: workers.sorted { $0.worker < $1.worker }.map {
                    RecoveryStoreSummary.Worker(index: Int($0.worker), lastEpoch: UInt64(max(0, $0.epoch)), ended: $0.ended)
                })
        }
        return RecoveryStoreSummary(
            directory: directory,
            storeID: facts.lazy.compactMap { $0.identity?.storeID }.first,
            flowID: facts.lazy.compactMap(\.flowID).first,
            formatVersion: facts.lazy.compactMap { $0.formatVersion.flatMap { Int($0) } }.first,
            partitions: facts.map {
                RecoveryStoreSummary.PartitionFile(
                    index: $0.index, path: $0.path, bytes: $0.fileBytes, walBytes: $0.walBytes,
                    snapshotRows: $0.snapshotRows, schemaVersion: Int($0.schemaVersion.rawValue))
            },
            committedEpoch: committed.map { UInt64(max(0, $0)) },
            executions: executions.sorted { $0.id < $1.id },
            steps: steps.sorted { $0.id < $1.id })
    }

    /// Checks a recovery directory (read-only): SQLite's integrity check of
    /// every file, the files' store ids, partition indices, flow ids, format
    /// versions and partition counts agree, none is missing or empty, none
    /// lost committed epochs, the progress rows are sane and every snapshot
    /// row matches its checksum.
    /// - Parameter directory: The recovery directory.
    /// - Returns: One sentence per problem, naming the file; empty when sound.
    /// - Throws: ``RecoveryStoreError/notAStore(path:)`` when it holds no
    ///   partition files (an unreadable file is a problem, not an error).
    public static func checkIntegrity(directory: String) throws -> [String] {
        let indices = try RecoveryDirectory.partitionIndicesOfStore(directory)
        var facts: [PartitionFacts] = []
        var unreadable: [Int: String] = [:]
        var complaints: [Int: [String]] = [:]
        for index in indices {
            let path = RecoveryDirectory.path(directory, index)
            // Not opened: SQLite would take an empty file for a fresh database and drop its write-ahead log.
            guard RecoveryDirectory.size(of: path) > 0 else {
                unreadable[index] = RecoveryStoreError.emptyPartition(path: path).description
                continue
            }
            do {
                let db = try SQLiteConnection(path: path, options: .init(readOnly: true))
                complaints[index] = try RecoveryDirectory.integrityComplaints(db)
                facts.append(try PartitionFacts.read(index: index, db: db, verifyingChecksums: true))
            } catch {
                unreadable[index] = "\(error)"
            }
        }
        return RecoveryIntegrity.problems(directory: directory, facts: facts, unreadable: unreadable, complaints: complaints)
    }

    /// Checks this store's files, as ``checkIntegrity(directory:)`` does,
    /// through its own connections (each file is locked while it is checked,
    /// so a running dataflow's writes to it wait).
    ///
    /// ```swift
    /// let store = try SQLiteRecoveryStore(directory: "/var/lib/job/recovery", flowID: flow.id)
    /// precondition(try store.checkIntegrity().isEmpty)
    /// ```
    /// - Returns: One sentence per problem, naming the file; empty when sound.
    /// - Throws: An SQLite error naming a file that cannot be read.
    public func checkIntegrity() throws -> [String] {
        var facts: [PartitionFacts] = []
        var complaints: [Int: [String]] = [:]
        for partition in partitions {
            try partition.withConnection { db in
                complaints[partition.index] = try RecoveryDirectory.integrityComplaints(db)
                facts.append(try PartitionFacts.read(index: partition.index, db: db, verifyingChecksums: true))
            }
        }
        return RecoveryIntegrity.problems(directory: directory, facts: facts, unreadable: [:], complaints: complaints)
    }
}
