import Foundation
import Synchronization

/// A fresh directory under the system temp dir, removed (with its files)
/// when released.
final class TemporaryDirectory {
    /// The directory's path.
    let path: String

    /// Creates the directory.
    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-recovery-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of a file inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        // Make it writable again in case a test made it read-only.
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// An error thrown from a test's closure, to see it come back unchanged.
struct ExpectedFailure: Error, Equatable {}

/// A value behind a lock that escaping closures (threads) can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    /// Creates the box.
    init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with the value locked.
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
