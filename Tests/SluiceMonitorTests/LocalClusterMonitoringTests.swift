import Foundation
import SluiceMonitor
import SluiceTestSupport
import Testing

/// `--processes 2 --metrics-address 127.0.0.1:0`: each copy serves its own
/// endpoint (port 0: each a free port), reports both members, turns ready
/// once the two are connected, and a SIGTERM to the launcher stops both.
@Suite(.timeLimit(.minutes(2)), .onOwnThread)
struct LocalClusterMonitoringTests {
    @Test func eachProcessOfALocalClusterServesItsOwnEndpoint() throws {
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "anomaly-detector"),
            ["--count", "1000000", "--interval-ms", "5", "--processes", "2", "--metrics-address", "127.0.0.1:0"])
        defer { child.send(SIGKILL) }
        try child.waitFor("two monitoring addresses") { _, stderr in
            stderr.matches(of: /monitoring on http:\/\/127\.0\.0\.1:\d+\//).count == 2
        }
        let ports = child.stderr.matches(of: /monitoring on http:\/\/127\.0\.0\.1:(\d+)\//).compactMap { Int($0.1) }
        #expect(Set(ports).count == 2, "each process has its own port: \(ports)")
        var processes: Set<Int> = []
        for port in ports {
            let probe = HTTPProbe(port: port)
            _ = try probe.waitFor("/readyz") { $0.status == 200 }
            let report = try JSONDecoder().decode(DataflowReport.self, from: Data(try probe.get("/dataflow").body.utf8))
            #expect(report.processes == 2 && report.workerCount == 2)
            #expect(report.members.map(\.state) == ["connected", "connected"])
            #expect(report.members.filter(\.isSelf).map(\.process) == [report.process])
            processes.insert(report.process)
        }
        #expect(processes == [0, 1])
        child.send(SIGTERM)
        #expect(try child.waitForExit(timeout: .seconds(30)) == ChildProcess.Exit(exited: true, status: 0))
    }
}
