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

    /// The indices of the `part-N.sqlite` files in `directory`.
    static func partitionIndices(in directory: String) throws -> Set<Int> {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return Set(names.compactMap { name in
            guard name.hasPrefix("part-"), name.hasSuffix(".sqlite") else { return nil }
            return Int(name.dropFirst(5).dropLast(7))
        })
    }

    /// Makes sure `directory` is a directory, creating it (and its parents) when missing.
    /// - Throws: ``RecoveryStoreError/notADirectory(path:)``, or the file system's error.
    static func ensureDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RecoveryStoreError.notADirectory(path: directory) }
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    /// How many partition files the directory holds: nil when none.
    /// - Throws: ``RecoveryStoreError/missingPartition(path:partitions:)``
    ///   when a file below the highest index is missing.
    static func existingCount(in directory: String) throws -> Int? {
        let indices = try partitionIndices(in: directory)
        guard let highest = indices.max() else { return nil }
        let count = highest + 1
        if let gap = (0..<count).first(where: { !indices.contains($0) }) {
            throw RecoveryStoreError.missingPartition(path: path(directory, gap), partitions: count)
        }
        return count
    }

    /// Creates `count` fresh partition files with the schema and the
    /// recorded partition count (and no flow id).
    /// - Throws: ``RecoveryStoreError/invalidPartitionCount(_:)``, or an SQLite error naming the file.
    static func create(in directory: String, count: Int) throws -> [SQLiteConnection] {
        guard count >= 1 else { throw RecoveryStoreError.invalidPartitionCount(count) }
        return try (0..<count).map { index in
            let db = try SQLiteConnection(path: path(directory, index))
            try RecoverySchema.migrations.apply(to: db)
            try setMeta(RecoverySchema.partitionCountKey, String(count), in: db)
            return db
        }
    }

    /// Opens the `count` existing partition files for writing, bringing
    /// each to the current schema and recording the partition count in
    /// files from before it was recorded.
    /// - Throws: ``RecoveryStoreError/missingPartition(path:partitions:)`` or
    ///   ``RecoveryStoreError/partitionCountMismatch(path:recorded:found:)``
    ///   when a file records another count; an SQLite error naming the file.
    static func openForWriting(in directory: String, count: Int) throws -> [SQLiteConnection] {
        try (0..<count).map { index in
            let db = try SQLiteConnection(path: path(directory, index))
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
        guard !indices.isEmpty else { throw RecoveryStoreError.notAStore(path: directory) }
        return indices
    }

    /// Opens the existing partition files read-only (nothing is migrated,
    /// claimed or cleaned), for inspection.
    /// - Returns: The connections, by index.
    /// - Throws: ``RecoveryStoreError/notAStore(path:)`` when there are none;
    ///   ``SQLiteSchemaTooNewError`` or an SQLite error naming the file.
    static func openReadOnly(_ directory: String) throws -> [(index: Int, db: SQLiteConnection)] {
        try partitionIndicesOfStore(directory).map { index in
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
