import Foundation

/// A fresh directory under the system temp dir, removed (with its files)
/// when released.
///
/// ```swift
/// let directory = try TemporaryDirectory()
/// let store = try SQLiteRecoveryStore(directory: directory.path)
/// ```
package final class TemporaryDirectory: Sendable {
    /// The directory's path.
    package let path: String

    /// Creates the directory.
    /// - Parameter prefix: The start of its name (which ends in a UUID).
    package init(prefix: String = "sluice-tests") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The directory's file URL.
    package var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of a file inside the directory.
    package func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to the file `name` inside the directory and returns its path.
    package func write(_ text: String, to name: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    deinit {
        // Make it writable again in case a test made it read-only.
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }
}
