import SluiceEngine

/// Reads and writes the `membership` table (schema 4, decision 0018): the
/// executions a store took part in, as which process of which shape.
/// Older files without the table read as having none.
///
/// ```swift
/// let records = try MembershipRows.all(in: db)
/// ```
enum MembershipRows {
    /// Every record of one file (none before schema 4).
    static func all(in db: SQLiteConnection) throws -> [MembershipRecord] {
        guard try SQLiteMigrations.version(of: db) >= RecoverySchema.membershipVersion else { return [] }
        let query = try db.prepare(
            "SELECT execution, process, process_count, worker_count, first_epoch, rehomed, floor FROM membership")
        var records: [MembershipRecord] = []
        while try query.step() {
            records.append(
                MembershipRecord(
                    execution: query.int64(at: 0) ?? 0, process: Int(query.int64(at: 1) ?? 0),
                    processCount: Int(query.int64(at: 2) ?? 0), workerCount: Int(query.int64(at: 3) ?? 0),
                    firstEpoch: query.int64(at: 4) ?? 0, rehomed: query.int64(at: 5) != 0, floor: query.int64(at: 6) ?? 0))
        }
        return records
    }

    /// Keeps only the records of `executions` and adds `record` (in the caller's transaction).
    static func replace(keeping executions: [Int64], with record: MembershipRecord, in db: SQLiteConnection) throws(SQLiteError) {
        let keep = executions.map(String.init).joined(separator: ",")
        try db.execute("DELETE FROM membership" + (keep.isEmpty ? "" : " WHERE execution NOT IN (\(keep))"))
        let insert = try db.prepare(
            """
            INSERT OR REPLACE INTO membership (execution, process, process_count, worker_count, first_epoch, rehomed, floor)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        try insert.bind(record.execution, at: 1)
        try insert.bind(Int64(record.process), at: 2)
        try insert.bind(Int64(record.processCount), at: 3)
        try insert.bind(Int64(record.workerCount), at: 4)
        try insert.bind(record.firstEpoch, at: 5)
        try insert.bind(Int64(record.rehomed ? 1 : 0), at: 6)
        try insert.bind(record.floor, at: 7)
        try insert.run()
    }

    /// The workers each execution's records say this store holds (by execution).
    static func localWorkers(_ records: [MembershipRecord]) -> [Int64: Range<Int>] {
        Dictionary(records.map { ($0.execution, $0.workers) }, uniquingKeysWith: { a, _ in a })
    }
}
