import Foundation

/// The partition files of a recovery directory (`part-0.sqlite` …): where
/// they are, which exist, and how they are created and opened. Shared by the
/// store, `initialize` and the read-only inspection.
///
/// ```swift
/// let count = try RecoveryDirectory.existingCount(in: "/tmp/recovery")   // nil: no store yet
/// ```
enum RecoveryDirectory {
    /// The path of partition file `index`.
    static func path(_ directory: String, _ index: Int) -> String { "\(directory)/part-\(index).sqlite" }

    /// The name a partition file is created under before it is renamed into place.
    static func creatingName(_ index: Int) -> String { ".part-\(index).sqlite.creating" }

    /// The names of the entries of `directory`.
    /// - Throws: ``RecoveryStoreError/unusablePath(path:reason:)`` with the system's reason.
    static func entries(of directory: String) throws -> [String] {
        guard let stream = opendir(directory) else {
            throw RecoveryStoreError.unusablePath(path: directory, reason: "cannot list it: \(systemReason(errno))")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The indices of the `part-N.sqlite` files in `directory`.
    /// Refuses a directory holding a non-empty `part-N.sqlite-wal` without
    /// its `part-N.sqlite`: SQLite would replay that old log into a new file
    /// of the same name. (A `-shm` index, or an empty log, holds no data:
    /// SQLite rebuilds or ignores it.)
    /// - Throws: ``RecoveryStoreError/orphanedLog(path:database:)`` naming the first.
    static func refuseOrphanedLogs(in directory: String) throws {
        let names = Set(try entries(of: directory))
        for name in names.sorted() where name.hasPrefix("part-") && name.hasSuffix(".sqlite-wal") {
            let database = String(name.dropLast(4))
            if !names.contains(database), size(of: "\(directory)/\(name)") > 0 {
                throw RecoveryStoreError.orphanedLog(path: "\(directory)/\(name)", database: "\(directory)/\(database)")
            }
        }
    }

    static func partitionIndices(in directory: String) throws -> Set<Int> {
        Set(try entries(of: directory).compactMap { name in
            guard name.hasPrefix("part-"), name.hasSuffix(".sqlite") else { return nil }
            return Int(name.dropFirst(5).dropLast(7))
        })
    }

    /// Makes sure `directory` is a directory, creating it (and its parents)
    /// when missing.
    /// - Throws: ``RecoveryStoreError/notADirectory(path:)``, or
    ///   ``RecoveryStoreError/unusablePath(path:reason:)`` saying in a plain
    ///   sentence which part of the path is in the way (a file, no permission).
    static func ensureDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RecoveryStoreError.notADirectory(path: directory) }
            return
        }
        // Create each missing level, so a failure names the level and the reason.
        let absolute = directory.hasPrefix("/")
        var prefix = absolute ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw RecoveryStoreError.unusablePath(path: directory, reason: "'\(prefix)' is a file, not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw RecoveryStoreError.unusablePath(
                    path: directory, reason: "cannot create the directory '\(prefix)': \(systemReason(errno))")
            }
        }
    }

    /// The system's sentence for an `errno` value.
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// How many partition files the directory holds: nil when none.
    /// - Throws: ``RecoveryStoreError/missingPartition(path:partitions:)``
    ///   when a file below the highest index is missing.
    static func existingCount(in directory: String) throws -> Int? {
        try refuseOrphanedLogs(in: directory)
        let indices = try partitionIndices(in: directory)
        guard let highest = indices.max() else { return nil }
        let count = highest + 1
        if let gap = (0..<count).first(where: { !indices.contains($0) }) {
            throw RecoveryStoreError.missingPartition(path: path(directory, gap), partitions: count)
        }
        return count
    }

    /// Creates `count` fresh partition files with the schema, the recorded
    /// partition count, a new store id and each file's index (and no flow
    /// id), crash-safely: every file is written under a temporary name
    /// (``creatingName(_:)``) and closed (its WAL checkpointed into it), and
    /// only then are they renamed into place, in index order. A crash before
    /// the first rename leaves no `part-N.sqlite` file (the next open starts
    /// over); a crash between renames leaves complete files under both kinds
    /// of names, which ``finishInterruptedCreation(in:)`` renames on the next open.
    /// - Returns: Connections to the new files, by index.
    /// - Throws: ``RecoveryStoreError/invalidPartitionCount(_:)``, or an error naming the file.
    static func create(in directory: String, count: Int) throws -> [SQLiteConnection] {
        guard (1...SQLiteRecoveryStore.maxPartitions).contains(count) else {
            throw RecoveryStoreError.invalidPartitionCount(count)
        }
        try removeCreatingFiles(in: directory)
        let storeID = UUID().uuidString.lowercased()
        for index in 0..<count {
            try writeFreshFile("\(directory)/\(creatingName(index))", index: index, count: count, storeID: storeID)
        }
        for index in 0..<count {
            try moveIntoPlace(from: "\(directory)/\(creatingName(index))", to: path(directory, index))
        }
        return try (0..<count).map { try SQLiteConnection(path: path(directory, $0)) }
    }

    /// Writes one complete fresh file and closes it (SQLite then checkpoints
    /// its WAL into it and deletes the WAL).
    private static func writeFreshFile(_ file: String, index: Int, count: Int, storeID: String) throws {
        do {
            let db = try SQLiteConnection(path: file)
            try RecoverySchema.migrations.apply(to: db)
            try db.transaction {
                try setMeta(RecoverySchema.partitionCountKey, String(count), in: db)
                try setMeta(RecoverySchema.storeIDKey, storeID, in: db)
                try setMeta(RecoverySchema.partitionIndexKey, String(index), in: db)
            }
        }
        guard !FileManager.default.fileExists(atPath: file + "-wal") else {
            throw RecoveryStoreError.unusablePath(
                path: file, reason: "its write-ahead log was not folded into it when it was closed")
        }
    }

    /// Renames a file, with a plain error.
    private static func moveIntoPlace(from source: String, to destination: String) throws {
        if rename(source, destination) != 0 {
            throw RecoveryStoreError.unusablePath(
                path: destination, reason: "cannot rename '\(source)' to it: \(systemReason(errno))")
        }
    }

    /// Deletes the temporary files of a creation that never reached its renames.
    private static func removeCreatingFiles(in directory: String) throws {
        for name in try entries(of: directory) where name.hasPrefix(".part-") && name.contains(".sqlite.creating") {
            let file = "\(directory)/\(name)"
            if unlink(file) != 0 && errno != ENOENT {
                throw RecoveryStoreError.unusablePath(path: file, reason: "cannot delete it: \(systemReason(errno))")
            }
        }
    }

    /// Completes a creation that a crash interrupted: with no `part-N.sqlite`
    /// file yet, its temporary files are deleted (the directory holds no
    /// store); with some, the complete files still under temporary names are
    /// renamed into place (every one was finished before the first rename).
    static func finishInterruptedCreation(in directory: String) throws {
        let names = Set(try entries(of: directory))
        let pending = (0..<names.count).filter { names.contains(creatingName($0)) }
        guard !pending.isEmpty else { return }
        let existing = try partitionIndices(in: directory)
        if !existing.isEmpty {
            for index in pending where !existing.contains(index) {
                try moveIntoPlace(from: "\(directory)/\(creatingName(index))", to: path(directory, index))
            }
        }
        try removeCreatingFiles(in: directory)
    }

    /// The size of a file in bytes (0 when it does not exist).
    static func size(of file: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// SQLite's integrity check of a file, at most `limit` complaints; empty when sound.
    static func integrityComplaints(_ db: SQLiteConnection, limit: Int = 20) throws(SQLiteError) -> [String] {
        let query = try db.prepare("PRAGMA integrity_check(\(limit))")
        var lines: [String] = []
        while try query.step() {
            if let line = query.string(at: 0), line != "ok" { lines.append(line) }
        }
        return lines
    }

    /// Opens the `count` existing partition files for writing (after
    /// ``StoreOpenCheck/refuseDamage(in:count:flowID:)``), bringing each to
    /// the current schema and recording the partition count in files from
    /// before it was recorded.
    /// - Throws: ``RecoveryStoreError/emptyPartition(path:)`` for a file
    ///   without tables, ``RecoveryStoreError/missingPartition(path:partitions:)`` or
    ///   ``RecoveryStoreError/partitionCountMismatch(path:recorded:found:)``
    ///   when a file records another count; an SQLite error naming the file.
    static func openForWriting(in directory: String, count: Int) throws -> [SQLiteConnection] {
        try (0..<count).map { index in
            let file = path(directory, index)
            // Files are created whole and renamed into place: an empty one was truncated or replaced.
            guard size(of: file) > 0 else { throw RecoveryStoreError.emptyPartition(path: file) }
            let db = try SQLiteConnection(path: file)
            guard try SQLiteMigrations.version(of: db) > .empty else { throw RecoveryStoreError.emptyPartition(path: file) }
            try RecoverySchema.migrations.apply(to: db)
            if let recorded = try meta(RecoverySchema.partitionCountKey, in: db).flatMap({ Int($0) }) {
                if recorded > count {
                    throw RecoveryStoreError.missingPartition(path: path(directory, count), partitions: recorded)
                }
                if recorded != count {
                    throw RecoveryStoreError.partitionCountMismatch(path: db.path, recorded: recorded, found: count)
                }
            } else {
                try setMeta(RecoverySchema.partitionCountKey, String(count), in: db)
            }
            return db
        }
    }

    /// The partition indices of an existing store, sorted.
    /// - Throws: ``RecoveryStoreError/notAStore(path:)`` when the directory
    ///   is missing or holds no partition files,
    ///   ``RecoveryStoreError/notADirectory(path:)`` for a file.
    static func partitionIndicesOfStore(_ directory: String) throws -> [Int] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw RecoveryStoreError.notAStore(path: directory)
        }
        guard isDirectory.boolValue else { throw RecoveryStoreError.notADirectory(path: directory) }
        let indices = try partitionIndices(in: directory).sorted()
        guard !indices.isEmpty else {
            // No files, but their logs: a deleted store, not an empty directory.
            try refuseOrphanedLogs(in: directory)
            throw RecoveryStoreError.notAStore(path: directory)
        }
        return indices
    }

    /// Opens the existing partition files read-only (nothing is migrated,
    /// claimed or cleaned), for inspection; empty files are skipped.
    /// - Returns: The connections, by index.
    /// - Throws: ``RecoveryStoreError/notAStore(path:)`` when there are none;
    ///   ``SQLiteSchemaTooNewError`` or an SQLite error naming the file.
    static func openReadOnly(_ directory: String) throws -> [(index: Int, db: SQLiteConnection)] {
        // An empty file is left alone: SQLite would take it for a fresh database and drop its write-ahead log.
        try partitionIndicesOfStore(directory).filter { size(of: path(directory, $0)) > 0 }.map { index in
            let db = try SQLiteConnection(path: path(directory, index), options: .init(readOnly: true))
            let version = try SQLiteMigrations.version(of: db)
            if version > RecoverySchema.migrations.latest {
                throw SQLiteSchemaTooNewError(path: db.path, found: version, known: RecoverySchema.migrations.latest)
            }
            return (index, db)
        }
    }

    /// A `meta` value, or nil when the key is absent.
    static func meta(_ key: String, in db: SQLiteConnection) throws(SQLiteError) -> String? {
        let query = try db.prepare("SELECT value FROM meta WHERE key = ?1")
        try query.bind(key, at: 1)
        return try query.step() ? query.string(at: 0) : nil
    }

    /// Sets a `meta` value (inserting or replacing it).
    static func setMeta(_ key: String, _ value: String, in db: SQLiteConnection) throws(SQLiteError) {
        let insert = try db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")
        try insert.bind(key, at: 1)
        try insert.bind(value, at: 2)
        try insert.run()
    }
}

extension RecoveryDirectory {
    /// Runs `body` holding an exclusive lock on the directory (an `flock` on
    /// its `.lock` file), so processes that open a fresh directory at the
    /// same moment (the members of a cluster) do not both create it.
    static func withCreationLock<T>(_ directory: String, _ body: () throws -> T) throws -> T {
        let lockPath = "\(directory)/.lock"
        let handle = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        // Without a lock file (a read-only directory) open without locking:
        // opening for writing reports the real problem, naming the file.
        guard handle >= 0 else { return try body() }
        defer { close(handle) }
        flock(handle, LOCK_EX)
        defer { flock(handle, LOCK_UN) }
        return try body()
    }
}
