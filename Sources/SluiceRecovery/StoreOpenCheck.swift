/// The checks an existing store passes before a run opens it for writing,
/// made through read-only connections, so a refused store is left exactly
/// as it was found (a read-write connection would fold or discard a
/// damaged write-ahead log when it closes): no file empty, each passing
/// SQLite's `integrity_check`, all agreeing on their identity
/// (``StoreIdentity``) and none having lost committed epochs (``LostEpochs``).
///
/// ```swift
/// try StoreOpenCheck.refuseDamage(in: "/var/lib/job/recovery", count: 4, flowID: "orders")
/// ```
enum StoreOpenCheck {
    /// Throws the first damage found in the `count` partition files of `directory`.
    /// - Throws: ``RecoveryStoreError`` naming the file and what to do,
    ///   ``SQLiteSchemaTooNewError``, or an SQLite error naming the file.
    static func refuseDamage(in directory: String, count: Int, flowID: String) throws {
        var files: [FileIdentity] = []
        for index in 0..<count {
            let file = RecoveryDirectory.path(directory, index)
            // Files are created whole and renamed into place: an empty one was truncated or replaced.
            guard RecoveryDirectory.size(of: file) > 0 else { throw RecoveryStoreError.emptyPartition(path: file) }
            let db = try SQLiteConnection(path: file, options: .init(readOnly: true))
            let version = try SQLiteMigrations.version(of: db)
            guard version > .empty else { throw RecoveryStoreError.emptyPartition(path: file) }
            if version > RecoverySchema.migrations.latest {
                throw SQLiteSchemaTooNewError(path: file, found: version, known: RecoverySchema.migrations.latest)
            }
            let complaints = try RecoveryDirectory.integrityComplaints(db, limit: 5)
            if let first = complaints.first {
                let more = complaints.count > 1 ? " (and \(complaints.count - 1) more)" : ""
                throw RecoveryStoreError.failedIntegrityCheck(path: file, complaint: first + more)
            }
            if let recorded = try RecoveryDirectory.meta(RecoverySchema.partitionCountKey, in: db).flatMap({ Int($0) }) {
                if recorded > count {
                    throw RecoveryStoreError.missingPartition(path: RecoveryDirectory.path(directory, count), partitions: recorded)
                }
                if recorded != count {
                    throw RecoveryStoreError.partitionCountMismatch(path: file, recorded: recorded, found: count)
                }
            }
            files.append(try FileIdentity.read(index: index, db: db))
        }
        if let problem = StoreIdentity.problems(files, flowID: flowID).first { throw problem }
        if let lost = LostEpochs.find(files, partitionCount: count).first { throw lost }
    }
}
