import CoreMetrics
import Foundation
import Prometheus
import Sluice
import SluiceMonitor
import SluiceTestSupport
import Testing

/// The endpoint over real TCP on 127.0.0.1, in every phase of a run.
@Suite(.timeLimit(.minutes(2)))
struct MonitoringServerTests {
    private func serve(_ flow: Dataflow, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry())
        throws -> (MonitoringServer, HTTPProbe)
    {
        let server = try MonitoringServer(address: "127.0.0.1:0", flow: flow, registry: registry)
        try server.start()
        let port = try #require(server.boundPort)
        return (server, HTTPProbe(port: port))
    }

    @Test func servesEveryEndpointBeforeDuringAndAfterARun() throws {
        let registry = PrometheusCollectorRegistry()
        CoreMetrics.Counter(
            label: "sluice_step_items_in_total", dimensions: [("step", "t.double"), ("worker", "0")],
            factory: PrometheusMetricsFactory(registry: registry)
        ).increment(by: 1234)
        let flow = makeEndlessFlow()
        let (server, probe) = try serve(flow, registry: registry)
        defer { server.stop() }

        // Before the run: alive, not ready.
        #expect(try probe.get("/healthz").status == 200)
        let early = try probe.get("/readyz")
        #expect(early.status == 503)
        #expect(early.body.contains("starting"))

        var configuration = RunConfiguration(workers: 2)
        configuration.status = server.status
        let running = start(flow, configuration: configuration)
        defer { running.stop() }
        _ = try probe.waitFor("/readyz") { $0.status == 200 }
        #expect(try probe.get("/healthz").status == 200)

        let metrics = try probe.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(metrics.body.contains(#"sluice_step_items_in_total{step="t.double",worker="0"} 1234"#))

        let dataflow = try probe.get("/dataflow")
        #expect(dataflow.status == 200)
        let report = try JSONDecoder().decode(DataflowReport.self, from: Data(dataflow.body.utf8))
        #expect(report.flow == "t")
        #expect(report.phase == "running" && report.ready)
        #expect(report.steps.map(\.id) == ["t.in", "t.double", "t.even", "t.out"])
        #expect(report.steps.map(\.kind) == ["input", "map", "filter", "output"])
        #expect(report.edges.map { "\($0.from)>\($0.to)" } == ["t.in>t.double", "t.double>t.even", "t.even>t.out"])
        #expect(report.workerCount == 2 && report.workers.map(\.worker) == [0, 1])
        // Every partition is read by exactly one worker.
        let read = report.workers.flatMap { $0.partitions["t.in"] ?? [] }
        #expect(read.sorted() == ["p0", "p1", "p2"])

        let page = try probe.get("/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.body.contains("<title>Sluice dashboard</title>"))
        #expect(try probe.get("/nothing-here").status == 404)

        running.stop()
        try running.wait()
        let after = try probe.get("/readyz")
        #expect(after.status == 503)
        #expect(after.body.contains("stopped"))
        #expect(try probe.get("/healthz").status == 200)
        #expect(try probe.get("/metrics").status == 200)
    }

    @Test func aFailedRunIsReportedAndStillAnswered() throws {
        let flow = Dataflow("broken")
        flow.input("in", EndlessSource(partitions: 1))
            .map("explode") { (value: Int) -> Int in
                if value >= 20 { throw BrokenItem(value: value) }
                return value
            }
            .output("out", DiscardSink())
        let (server, probe) = try serve(flow)
        defer { server.stop() }
        var configuration = RunConfiguration(workers: 1)
        configuration.status = server.status
        #expect(throws: (any Error).self) { try run(flow, configuration: configuration) }

        let health = try probe.get("/healthz")
        #expect(health.status == 503)
        #expect(health.body.contains("broken.explode"))
        let ready = try probe.get("/readyz")
        #expect(ready.status == 503)
        #expect(ready.body.contains("failed"))
        let report = try JSONDecoder().decode(DataflowReport.self, from: Data(try probe.get("/dataflow").body.utf8))
        #expect(report.phase == "failed")
        #expect(report.reason?.contains("broken.explode") == true)
        #expect(try probe.get("/metrics").status == 200)
    }

    @Test func scrapesDuringStartUpAndShutdownAnswerAtOnce() throws {
        let listGate = DispatchSemaphore(value: 0)
        let closeGate = DispatchSemaphore(value: 0)
        let flow = makeEndlessFlow(source: EndlessSource(partitions: 2, listGate: listGate, closeGate: closeGate))
        let (server, probe) = try serve(flow)
        defer { server.stop() }
        var configuration = RunConfiguration(workers: 2)
        configuration.status = server.status
        let running = start(flow, configuration: configuration)
        defer {
            listGate.signal()
            for _ in 0..<2 { closeGate.signal() }
            running.stop()
        }

        // Start-up: the source's partitions are being listed (blocked).
        _ = try probe.waitFor("/dataflow") { $0.body.contains(#""phase":"resuming""#) }
        let starting = try probe.get("/readyz")
        #expect(starting.status == 503)
        #expect(starting.body.contains("resuming"))
        #expect(try probe.get("/healthz").status == 200)
        #expect(try probe.get("/metrics").status == 200)
        #expect(try probe.get("/").status == 200)

        listGate.signal()
        _ = try probe.waitFor("/readyz") { $0.status == 200 }

        // Shutdown: the partitions' close is blocked.
        running.stop()
        let stopping = try probe.waitFor("/readyz") { $0.body.contains("stopping") }
        #expect(stopping.status == 503)
        #expect(try probe.get("/healthz").status == 200)
        #expect(try probe.get("/dataflow").status == 200)
        #expect(try probe.get("/metrics").status == 200)

        for _ in 0..<2 { closeGate.signal() }
        try running.wait()
        #expect(try probe.get("/readyz").body.contains("stopped"))
    }

    @Test func anAddressInUseIsNamed() throws {
        let first = try MonitoringServer(address: "127.0.0.1:0", flow: nil, registry: PrometheusCollectorRegistry())
        try first.start()
        defer { first.stop() }
        let port = try #require(first.boundPort)
        let second = try MonitoringServer(address: "127.0.0.1:\(port)", flow: nil, registry: PrometheusCollectorRegistry())
        let error = #expect(throws: MonitorError.self) { try second.start() }
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
        #expect(error?.description.contains("in use") == true)
        // The first one is unharmed.
        #expect(try HTTPProbe(port: port).get("/healthz").status == 200)
    }

    @Test(arguments: ["localhost", "127.0.0.1:99999", ":9090", "127.0.0.1:http", "a b:80", ""])
    func aMalformedAddressIsNamed(address: String) throws {
        let error = #expect(throws: MonitorError.self) {
            _ = try MonitoringServer(address: address, flow: nil, registry: PrometheusCollectorRegistry())
        }
        #expect(error?.description.contains("'\(address)'") == true)
    }

    @Test func theOptionsNameAMalformedAddressFromTheFlagOrTheEnvironment() throws {
        let flow = makeEndlessFlow()
        let fromFlag = try SluiceOptions.parse(["--metrics-address", "nowhere"])
        let flagError = #expect(throws: MonitorError.self) { _ = try fromFlag.monitoringServer(for: flow, environment: [:]) }
        #expect(flagError?.description.contains("'nowhere'") == true)
        let fromEnvironment = try SluiceOptions.parse([])
        let environmentError = #expect(throws: MonitorError.self) {
            _ = try fromEnvironment.monitoringServer(for: flow, environment: ["SLUICE_METRICS_ADDRESS": "host:-1"])
        }
        #expect(environmentError?.description.contains("'host:-1'") == true)
        #expect(try fromEnvironment.monitoringServer(for: flow, environment: [:]) == nil)
    }

    /// A silent or half-sent request does not hold a connection for ever,
    /// and garbage gets an answer or a close, never a hang.
    @Test func idleAndMalformedConnectionsAreClosed() throws {
        // A 1 s request timeout instead of 10 s: the test waits for it twice.
        let server = try MonitoringServer(address: "127.0.0.1:0", flow: makeEndlessFlow(), registry: PrometheusCollectorRegistry())
        server.requestTimeout = .seconds(1)
        try server.start()
        defer { server.stop() }
        let probe = HTTPProbe(port: try #require(server.boundPort))
        var patient = probe
        patient.timeout = 30
        #expect(try patient.rawExchange([]).isEmpty)
        #expect(try patient.rawExchange(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8)).isEmpty)
        let garbage = try patient.rawExchange(Array("\u{1}\u{2}\u{3} nonsense\r\n\r\n".utf8))
        #expect(garbage.isEmpty || String(decoding: garbage, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
        #expect(try probe.get("/healthz").status == 200)
    }

    @Test func headAndOtherMethods() {
        let routes = MonitorRoutes(status: RunStatus(), registry: PrometheusCollectorRegistry(), shape: nil)
        #expect(routes.respond(method: "POST", path: "/metrics").status == 405)
        #expect(routes.respond(method: "HEAD", path: "/healthz").status == 200)
        #expect(routes.respond(method: "GET", path: "/readyz?verbose=1").status == 503)
    }
}

struct BrokenItem: Error, CustomStringConvertible {
    let value: Int
    var description: String { "item \(value) is broken" }
}
