import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Sluice
import SluiceService
import SluiceTesting
import SluiceTestSupport
import Testing

// The README's "Monitoring" service code block, verbatim but for `print` →
// `#expect` and no signal lists (signal handlers are process-wide, and this
// test process signals other programs). Change both together.

private func serveWithMonitoring() async throws {
    let flow = Dataflow("orders")
    let totals = TestingSink<Int>()
    flow.input("orders", TestingSource([3, 4, 5]))
        .map("double") { $0 * 2 }
        .output("totals", totals)
    let plan = try flow.plan()

    // The registry of the PrometheusMetricsFactory you bootstrapped, or
    // MonitoringServer.prometheusRegistry() to bootstrap one if none was.
    let registry = PrometheusCollectorRegistry()
    let monitor = MonitoringServer(
        address: try MonitorAddress(parsing: "127.0.0.1:0"), shape: DataflowShape(plan), registry: registry)
    var configuration = RunConfiguration(workers: 2)
    configuration.status = monitor.status   // /healthz, /readyz and /dataflow follow this run

    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [
                .init(service: MonitoringService(monitor)),   // first: it shuts down last
                .init(service: DataflowService(plan, configuration: configuration),
                      successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [], logger: Logger(label: "orders")))
    try await group.run()
    #expect(totals.items.sorted() == [6, 8, 10])
    #expect(monitor.status.current.phase == .stopped)
    #expect(monitor.boundPort == nil, "the group's shutdown closed the endpoint")
}

@Suite struct ReadmeMonitoringTests {
    /// The group needs a thread of Swift's global pool now and then (the
    /// test's own task runs there), and in the full suite blocking tests
    /// hold that pool's two threads for minutes: a longer bound than
    /// `hangBound` tells a hang from that wait.
    @Test func theMonitoringServiceBlockRuns() async throws {
        try await withinHangBound(.seconds(300)) { try await serveWithMonitoring() }
    }
}
