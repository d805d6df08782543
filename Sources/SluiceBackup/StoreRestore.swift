import Foundation
import SluiceRecovery

/// Rebuilds a store directory from a base and its segments: writes every
/// partition file into a temporary directory beside the target, checks the
/// result with the store's own integrity check (SQLite's check, the store's
/// identity, progress, and every row's checksum), and only then renames it
/// into place. A failure leaves the target as it was.
///
/// ```swift
/// try StoreRestore.write(base: base, segments: segments, to: "/var/lib/job/recovery")
/// ```
enum StoreRestore {
    /// Writes the store and moves it to `directory` (missing or empty).
    /// - Parameters:
    ///   - base: The base archive.
    ///   - segments: The segments after it, in order.
    ///   - directory: The target directory.
    /// - Throws: ``BackupError`` naming the directory or the problem.
    static func write(base: BackupArchive, segments: [BackupArchive], to directory: String) throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent().path
        let staging = "\(parent)/.\(target.lastPathComponent).restoring-\(UUID().uuidString.prefix(8))"
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw BackupError.localFile(path: staging, reason: "cannot create it (\(error.localizedDescription))")
        }
        var moved = false
        defer { if !moved { try? manager.removeItem(atPath: staging) } }
        for file in base.files {
            let parts = segments.map { segment in segment.files.first { $0.index == file.index } }
            try writeFile(file, segments: parts.compactMap { $0 }, to: "\(staging)/part-\(file.index).sqlite")
        }
        let problems: [String]
        do { problems = try SQLiteRecoveryStore.checkIntegrity(directory: staging) }
        catch { problems = ["\(error)"] }
        guard problems.isEmpty else { throw BackupError.restoredStoreDamaged(directory: directory, problems: problems) }
        do {
            if manager.fileExists(atPath: target.path) {
                // A wiped directory may keep its lock file (`.lock`): only database files count.
                let leftovers = try manager.contentsOfDirectory(atPath: target.path).filter {
                    $0.hasPrefix("part-") || $0.hasPrefix(".part-") || $0.contains(".sqlite")
                }
                guard leftovers.isEmpty else {
                    throw BackupError.localFile(
                        path: target.path,
                        reason: "is not empty (\(leftovers.sorted().prefix(3).joined(separator: ", "))); restore only into a missing or empty directory")
                }
                // part-0 last: until it is in place the directory holds no store a run would open.
                let staged = try manager.contentsOfDirectory(atPath: staging)
                let files = staged.filter { $0 != "part-0.sqlite" } + staged.filter { $0 == "part-0.sqlite" }
                for file in files { try manager.moveItem(atPath: "\(staging)/\(file)", toPath: "\(target.path)/\(file)") }
                moved = true
                try? manager.removeItem(atPath: staging)
            } else {
                try manager.moveItem(atPath: staging, toPath: target.path)
                moved = true
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.localFile(path: target.path, reason: "cannot move the restored store into place (\(error.localizedDescription))")
        }
    }

    /// Writes one partition file: schema, base rows, then each segment
    /// (`snapshots` rows added, every other table replaced).
    private static func writeFile(_ base: BackupArchive.File, segments: [BackupArchive.File], to path: String) throws {
        do {
            let db = try SQLiteConnection(path: path)
            try db.transaction {
                for statement in base.schema { try db.execute(statement) }
                try db.execute("PRAGMA user_version = \(base.userVersion)")
                for table in base.tables { try insert(table, into: db) }
                for segment in segments {
                    for table in segment.tables {
                        if table.name != "snapshots" { try db.execute("DELETE FROM \(quoted(table.name))") }
                        try insert(table, into: db)
                    }
                }
            }
        } catch {
            throw BackupError.localFile(path: path, reason: "cannot write the restored file (\(error))")
        }
    }

    private static func insert(_ table: BackupArchive.Table, into db: SQLiteConnection) throws {
        guard !table.rows.isEmpty else { return }
        let columns = table.columns.map(quoted).joined(separator: ", ")
        let marks = table.columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
        let statement = try db.prepare("INSERT OR REPLACE INTO \(quoted(table.name)) (\(columns)) VALUES (\(marks))")
        for row in table.rows {
            statement.reset()
            for (offset, value) in row.enumerated() { try statement.bind(value, at: Int32(offset + 1)) }
            try statement.run()
        }
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
