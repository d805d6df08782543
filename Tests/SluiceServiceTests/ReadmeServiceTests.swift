import Logging
import ServiceLifecycle
import Sluice
import SluiceService
import SluiceTesting
import SluiceTestSupport
import Testing

// The README's "Inside a service" code block, verbatim but for `print` →
// `#expect`, the bound around `serve()`, and no signal lists: signal
// handlers are process-wide, and this test process runs (and signals)
// other programs. Change both together.

private func parse(_ lines: DataStream<String>) -> DataStream<Int> {
    lines.compactMap("decode") { Int($0) }
}

private func serve() async throws {
    let flow = Dataflow("orders")
    let orders = flow.input("orders", TestingSource(["3", "4", "x"])).subflow("parse_orders", parse)
    let refunds = flow.input("refunds", TestingSource(["-1"])).subflow("parse_refunds", parse)
    let totals = TestingSink<Int>()
    orders.merge("all", refunds)
        .keyOn("one") { _ in "all" }
        .foldFinal("sum", initial: { 0 }) { $0 + $1 }
        .map("value") { $0.value }
        .output("totals", totals)

    let dataflow = DataflowService(try flow.plan(), configuration: RunConfiguration(workers: 2))
    let logger = Logger(label: "orders-service")
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [
                // httpServer, … (stopped after the dataflow: a group shuts down in reverse order)
                .init(service: dataflow, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
    try await group.run()
    #expect(totals.items == [6])
}

@Suite struct ReadmeServiceTests {
    @Test func insideAService() async throws {
        try await withinHangBound { try await serve() }
    }
}
