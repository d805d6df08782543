import Foundation

/// Where the built `sluice` executable is: next to the test bundle, in the
/// same build directory (`swift build` builds every product, and `make test`
/// builds before testing). A missing binary is a failure, never a skip.
enum SluiceBinary {
    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "the `sluice` executable is not built (looked in \(searched.joined(separator: ", "))); "
                + "run `swift build` (or `make test`, which builds every product) before the tests"
        }
    }

    static func url() throws -> URL {
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles { directories.append(bundle.bundleURL.deletingLastPathComponent()) }
        // Last resort: the default build directory of this package.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        let candidates = directories.map { $0.appendingPathComponent("sluice").standardizedFileURL }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(searched: candidates.map(\.path))
        }
        return found
    }
}
