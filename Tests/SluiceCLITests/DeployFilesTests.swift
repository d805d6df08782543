import Foundation
import SluiceTestSupport
import Testing

/// The `Dockerfile` and the files in `deploy/` parse and agree with each
/// other, checked by `scripts/check-deploy.py` (also `make check-deploy`),
/// whose self-test proves that broken copies are caught. The Dockerfile is
/// checked statically: there is no Docker engine here.
@Suite(.onOwnThread) struct DeployFilesTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The script needs python3 with PyYAML. Where it is missing the test is
    /// disabled, except under `CI=true`, where that is a failure.
    private static let canCheck: Bool = {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        guard let child = try? ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import yaml"]) else {
            return false
        }
        return (try? child.waitForExit(timeout: .seconds(30))) == .init(exited: true, status: 0)
    }()

    @Test(.enabled(if: canCheck, "python3 with PyYAML (apt-get install python3-yaml)"))
    func dockerfileKubernetesAndSystemdFilesAreConsistent() throws {
        let script = Self.root.appendingPathComponent("scripts/check-deploy.py").path
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, "--self-test"])
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == .init(exited: true, status: 0), "stderr: \(child.stderr)")
        #expect(child.stdout.contains("StatefulSet/word-count"))
        #expect(child.stdout.contains("Dockerfile: sluice image with"))
        #expect(child.stdout.contains("Secret/word-count-backup"))
        #expect(child.stdout.contains("Job/word-count-restore-process-2"))
    }
}
