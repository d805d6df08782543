import Foundation

/// One partition file of an open ``SQLiteRecoveryStore``: its connection, the
/// lock that serializes every use of it, its cached write statements and
/// its garbage-collection bookkeeping (all guarded by the lock).
///
/// ```swift
/// let rows = try partition.withConnection { db in try db.scalarInt("SELECT count(*) FROM snapshots") }
/// ```
final class RecoveryPartition {
    /// The file's index (`part-<index>.sqlite`).
    let index: Int
    /// The file's path.
    let path: String
    private let connection: SQLiteConnection
    private let lock = NSLock()
    private var statements: [String: SQLiteStatement] = [:]
    /// The collection threshold of the last sweep; nil before the first (guarded by the lock).
    var lastSweepThreshold: Int64?
    /// When the last sweep ran (guarded by the lock).
    var lastSweepTime: ContinuousClock.Instant?
    /// True while a sweep of this file runs (guarded by the lock).
    var isSweeping = false
    /// The highest `committed_through` this store wrote into the file as a
    /// witness of its sibling's write (guarded by the lock).
    var witnessedThrough: Int64?
    /// True once the file was checkpointed after its first write in this
    /// store instance (guarded by the lock).
    var checkpointedAfterFirstWrite = false

    /// Wraps an open connection.
    init(index: Int, connection: SQLiteConnection) {
        self.index = index
        self.path = connection.path
        self.connection = connection
    }

    /// Runs `body` with the connection, holding the file's lock.
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }

    /// A cached statement for `sql`, reset and with cleared bindings; only
    /// inside ``withConnection(_:)``, and only for statements that are run
    /// to completion (a cached query left mid-way would hold a read lock).
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            cached.clearBindings()
            return cached
        }
        let statement = try connection.prepare(sql)
        statements[sql] = statement
        return statement
    }
}
