import CoreMetrics
import Foundation
import Prometheus
import Sluice
import SluiceMonitor
import SluiceRecovery
import SluiceTestSupport
import Synchronization
import Testing

/// The dashboard in a real browser: headless Chromium loads `/`, the page
/// refreshes from `/dataflow` and `/metrics`, and the rendered DOM holds
/// the step names and numbers. Screenshots go to `.build/`.
@Suite(
    .serialized, .timeLimit(.minutes(4)), .onOwnThread,
    .enabled(if: Chromium.path != nil, "needs Debian's chromium (scripts/ensure-deps.sh installs it as root)"))
struct DashboardBrowserTests {
    /// A running flow whose metrics the test records itself (contract names),
    /// so the numbers on the page are known.
    @Test func thePageShowsStepsRatesLagAndEpochs() throws {
        // Recorded as the engine does: swift-metrics with a Prometheus factory
        // (passed explicitly: this test process bootstraps nothing).
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        for step in ["t.in", "t.double", "t.even", "t.out"] {
            let name = step == "t.in" ? "sluice_step_items_out_total" : "sluice_step_items_in_total"
            CoreMetrics.Counter(label: name, dimensions: [("step", step), ("worker", "0")], factory: factory)
                .increment(by: 4321)
        }
        CoreMetrics.Gauge(
            label: "sluice_kafka_partition_lag", dimensions: [("topic", "orders"), ("partition", "3")], factory: factory
        ).record(17)
        CoreMetrics.Gauge(label: "sluice_epoch_current", dimensions: [("worker", "0")], factory: factory).record(42)
        let flow = makeEndlessFlow()
        let server = try MonitoringServer(address: "127.0.0.1:0", flow: flow, registry: registry)
        try server.start()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = RunConfiguration(workers: 2, epochInterval: .milliseconds(100))
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
        configuration.status = server.status
        let running = start(flow, configuration: configuration)
        defer { running.stop() }
        let port = try #require(server.boundPort)
        _ = try HTTPProbe(port: port).waitFor("/dataflow") { $0.body.contains(#""kind":"committed""#) }
        // Items keep flowing while the browser looks, so the page has rates to show.
        let double = CoreMetrics.Counter(
            label: "sluice_step_items_in_total", dimensions: [("step", "t.double"), ("worker", "1")], factory: factory)
        let flowing = Atomic<Bool>(true)
        let feeder = Thread {
            while flowing.load(ordering: .relaxed) {
                double.increment(by: 10)
                Thread.sleep(forTimeInterval: 0.001)
            }
        }
        feeder.start()
        defer { flowing.store(false, ordering: .relaxed) }

        let dom = try Chromium.run("http://127.0.0.1:\(port)/")
        let refreshes = dom.firstMatch(of: /data-refreshes="(\d+)"/).flatMap { Int($0.1) } ?? 0
        #expect(refreshes >= 1, "the page refreshed at least once: \(dom.prefix(500))")
        for name in ["in", "double", "even", "out"] {
            #expect(dom.contains("data-step=\"t.\(name)\""), "step t.\(name) is drawn")
        }
        #expect(dom.contains("4321 items"))  // t.in, t.even, t.out
        let rates = dom.matches(of: /([0-9.]+k?M?) items\/s/).map { String($0.1) }
        #expect(rates.count == 4)
        #expect(rates.contains { $0 != "0" }, "t.double's items/s rose while the page refreshed: \(rates)")
        #expect(dom.contains("<td>orders</td><td>3</td><td><b>17</b></td>"))
        #expect(dom.contains("current epoch<b>42</b>"))
        #expect(dom.firstMatch(of: /committed epoch<b>\d+<\/b>/) != nil, "a committed epoch is shown")
        #expect(dom.contains("aria-label=\"epoch timeline\""))
        #expect(dom.contains(">running<"))
        #expect(dom.contains("p0") && dom.contains("p1") && dom.contains("p2"))

        let shot = Chromium.screenshotDirectory.appendingPathComponent("dashboard.png")
        try? FileManager.default.removeItem(at: shot)
        _ = try Chromium.run("http://127.0.0.1:\(port)/", screenshot: shot)
        #expect(FileManager.default.fileExists(atPath: shot.path))
        running.stop()
        try running.wait()
    }

    /// The anomaly-detector example binary with `--metrics-address`: its
    /// own Prometheus backend, its own status, in a browser.
    @Test func aRunningExampleBinaryServesItsDashboard() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anomaly-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "anomaly-detector"),
            [
                "--count", "1000000", "--interval-ms", "5", "-w", "2", "-r", directory.path, "--epoch-interval", "0.2",
                "--metrics-address", "127.0.0.1:0",
            ])
        defer { child.send(SIGKILL) }
        try child.waitFor("the monitoring address") { _, stderr in stderr.contains("monitoring on http://") }
        let match = try #require(child.stderr.firstMatch(of: /monitoring on http:\/\/127\.0\.0\.1:(\d+)\//))
        let port = try #require(Int(match.1))
        let probe = HTTPProbe(port: port)
        _ = try probe.waitFor("/readyz") { $0.status == 200 }
        #expect(try probe.get("/metrics").status == 200)
        _ = try probe.waitFor("/dataflow") { $0.body.contains(#""kind":"committed""#) }

        let dom = try Chromium.run("http://127.0.0.1:\(port)/")
        let report = try JSONDecoder().decode(DataflowReport.self, from: Data(try probe.get("/dataflow").body.utf8))
        #expect(report.workerCount == 2)
        for step in report.steps {
            #expect(dom.contains("data-step=\"\(step.id)\""), "step \(step.id) is drawn")
        }
        #expect(dom.contains(">running<"))
        #expect(dom.contains("process 0 of 1 · 2 workers"))
        #expect(dom.contains("aria-label=\"epoch timeline\""), "the snapshots of -r are on the timeline")
        let shot = Chromium.screenshotDirectory.appendingPathComponent("dashboard-anomaly-detector.png")
        try? FileManager.default.removeItem(at: shot)
        _ = try Chromium.run("http://127.0.0.1:\(port)/", screenshot: shot)
        #expect(FileManager.default.fileExists(atPath: shot.path))

        child.send(SIGTERM)
        #expect(try child.waitForExit(timeout: .seconds(30)) == ChildProcess.Exit(exited: true, status: 0))
    }
}
