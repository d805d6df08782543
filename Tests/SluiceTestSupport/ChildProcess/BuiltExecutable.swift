import Foundation

/// Where a built executable of this package (`sluice`, `kafka-word-count`,
/// …) is: next to the test bundle, in the same build directory (`swift build`
/// and `swift build --build-tests` build every product, and `make test`
/// builds before testing). A missing binary is a failure, never a skip.
///
/// ```swift
/// let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["--version"])
/// ```
package enum BuiltExecutable {
    /// The executable is not in any build directory searched.
    package struct NotFound: Error, CustomStringConvertible {
        /// The executable's name.
        package let name: String
        /// The paths looked at.
        package let searched: [String]
        package var description: String {
            "the `\(name)` executable is not built (looked in \(searched.joined(separator: ", "))); "
                + "run `swift build` (or `make test`, which builds every product) before the tests"
        }
    }

    /// The path of the executable `name`.
    /// - Parameter name: The product name, e.g. `kafka-word-count`.
    /// - Returns: Its file URL.
    /// - Throws: `NotFound` listing where it looked.
    package static func url(named name: String) throws -> URL {
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles { directories.append(bundle.bundleURL.deletingLastPathComponent()) }
        // Last resort: the default build directory of this package.
        // (Tests/SluiceTestSupport/ChildProcess/BuiltExecutable.swift)
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        let candidates = directories.map { $0.appendingPathComponent(name).standardizedFileURL }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(name: name, searched: candidates.map(\.path))
        }
        return found
    }
}
