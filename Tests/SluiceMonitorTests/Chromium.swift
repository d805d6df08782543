import Foundation
import SluiceTestSupport

/// Debian's headless `chromium`, when installed (`scripts/ensure-deps.sh`
/// installs it as root).
enum Chromium {
    /// The browser's path, or nil.
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Where screenshots go: `.build/` of this package.
    static let screenshotDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build")

    /// Loads `url` headless, lets the page run for `budget` milliseconds of
    /// its (virtual) time so its refreshes happen, and returns the rendered
    /// DOM; or saves a screenshot at `screenshot` instead.
    static func run(_ url: String, budget: Int = 4_000, screenshot: URL? = nil) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID())")
        defer { try? FileManager.default.removeItem(at: profile) }
        var arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--virtual-time-budget=\(budget)", "--window-size=1400,1100",
        ]
        if let screenshot { arguments.append("--screenshot=\(screenshot.path)") } else { arguments.append("--dump-dom") }
        arguments.append(url)
        let child = try ChildProcess(URL(fileURLWithPath: path!), arguments)
        let exit = try child.waitForExit(timeout: .seconds(90))
        guard exit == ChildProcess.Exit(exited: true, status: 0) else {
            throw Failure(description: "chromium ended with \(exit); stderr: \(child.stderr.suffix(2000))")
        }
        return child.stdout
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}
