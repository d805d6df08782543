import Foundation
import SluiceEngine
import SluiceRecovery

/// Reads a store directory's partition files for an upload, through its own
/// read-only connections (SQLite's WAL lets them read while the run writes):
/// each file in one read transaction, so its progress rows and its snapshot
/// rows are of one moment.
///
/// The committed epoch C is computed from the progress rows read, and only
/// `snapshots` rows at or before C are kept. Every worker writes only its
/// own file, and writes a snapshot before the progress row that covers it,
/// so each worker's rows up to C were in its file when that file was read.
/// Rows newer than the last upload are never garbage-collected meanwhile
/// (the uploader caps collection at the epoch it last uploaded).
///
/// ```swift
/// let export = try StoreExport.read(directory: dir, after: 12)   // rows of epochs 13…C
/// ```
enum StoreExport {
    /// What was read.
    struct Result {
        /// One entry per partition file.
        var files: [BackupArchive.File]
        /// The committed epoch the rows reach (nil: nothing committed yet).
        var committed: Int64?
    }

    /// The partition indices of the `part-N.sqlite` files in `directory`.
    static func partitionIndices(in directory: String) throws -> [Int] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) }
        catch { throw BackupError.localFile(path: directory, reason: "cannot list it (\(error.localizedDescription))") }
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("part-"), name.hasSuffix(".sqlite") else { return nil }
            return Int(name.dropFirst("part-".count).dropLast(".sqlite".count))
        }.sorted()
    }

    /// Reads every partition file.
    /// - Parameters:
    ///   - directory: The store directory.
    ///   - after: Keep only `snapshots` rows after this epoch (nil: all, for a base).
    ///   - known: An epoch the engine said is committed (its writes are in the
    ///     files). A cluster member's store holds only its own workers'
    ///     progress rows, which never complete an execution on their own, so
    ///     for it this is what says how far the files are committed.
    /// - Returns: The files' rows and the committed epoch.
    static func read(directory: String, after: Int64?, known: Int64? = nil) throws -> Result {
        var files: [BackupArchive.File] = []
        for index in try partitionIndices(in: directory) {
            files.append(try readFile("\(directory)/part-\(index).sqlite", index: index, after: after))
        }
        guard !files.isEmpty else { throw BackupError.localFile(path: directory, reason: "holds no part-N.sqlite file") }
        let fromRows = committedEpoch(files.flatMap { $0.tables.filter { $0.name == "progress" } })
        let committed = [fromRows, known].compactMap { $0 }.max()
        for fileIndex in files.indices {
            for tableIndex in files[fileIndex].tables.indices where files[fileIndex].tables[tableIndex].name == "snapshots" {
                var table = files[fileIndex].tables[tableIndex]
                guard let epochColumn = table.columns.firstIndex(of: "epoch") else { continue }
                table.rows = table.rows.filter { row in
                    guard case let .integer(epoch) = row[epochColumn], let committed else { return false }
                    return epoch <= committed
                }
                files[fileIndex].tables[tableIndex] = table
            }
        }
        return Result(files: files, committed: committed)
    }

    /// One file's schema and rows, in one read transaction.
    private static func readFile(_ path: String, index: Int, after: Int64?) throws -> BackupArchive.File {
        do {
            let db = try SQLiteConnection(path: path, options: .init(readOnly: true))
            try db.execute("BEGIN")
            defer { try? db.execute("COMMIT") }
            let userVersion = try db.scalarInt("PRAGMA user_version") ?? 0
            let schema = try db.prepare(
                """
                SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid
                """
            ).rows().compactMap { row -> String? in if case let .text(sql) = row.first { sql } else { nil } }
            let names = try db.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).rows().compactMap { row -> String? in if case let .text(name) = row.first { name } else { nil } }
            var tables: [BackupArchive.Table] = []
            for name in names {
                let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let query: SQLiteStatement
                if name == "snapshots", let after {
                    query = try db.prepare("SELECT * FROM \(quoted) WHERE epoch > ?1")
                    try query.bind(after, at: 1)
                } else {
                    query = try db.prepare("SELECT * FROM \(quoted)")
                }
                let columns = (0..<query.columnCount).map { query.columnName(at: $0) }
                tables.append(BackupArchive.Table(name: name, columns: columns, rows: try query.rows()))
            }
            return BackupArchive.File(index: index, userVersion: userVersion, schema: schema, tables: tables)
        } catch {
            throw BackupError.localFile(path: path, reason: "cannot read it for the backup (\(error))")
        }
    }

    /// The committed epoch of `progress` tables' rows: per execution, the
    /// engine's commit rule; the highest over complete executions.
    static func committedEpoch(_ progress: [BackupArchive.Table]) -> Int64? {
        var byExecution: [Int64: (count: Int, last: [Int: Int64], ended: Set<Int>)] = [:]
        for table in progress {
            func column(_ name: String) -> Int? { table.columns.firstIndex(of: name) }
            guard let execution = column("execution"), let worker = column("worker"), let count = column("worker_count"),
                let epoch = column("epoch"), let ended = column("ended")
            else { continue }
            for row in table.rows {
                guard case let .integer(e) = row[execution], case let .integer(w) = row[worker],
                    case let .integer(c) = row[count], case let .integer(at) = row[epoch], case let .integer(done) = row[ended]
                else { continue }
                var entry = byExecution[e] ?? (Int(c), [:], [])
                entry.last[Int(w)] = max(entry.last[Int(w)] ?? at, at)
                if done != 0 { entry.ended.insert(Int(w)) }
                byExecution[e] = entry
            }
        }
        return byExecution.values.compactMap {
            CommitRule.committed(lastWritten: $0.last, ended: $0.ended, workerCount: $0.count)
        }.max()
    }
}
