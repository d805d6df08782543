// A service that runs a Kafka dataflow beside an HTTP server in one
// swift-service-lifecycle ServiceGroup: per-customer running totals and
// 1-minute order counts over a topic of JSON orders, bad messages to a
// dead-letter topic, and `GET /healthz`.
//
//   swift run orders-service --brokers localhost:19092 --orders-topic orders --totals-topic totals \
//       --windows-topic order-windows --dead-letter-topic orders-dead -r state -w 2
//
// Input (one order per message; each customer's orders in one partition,
// e.g. keyed by customer, so they keep their order):
//   {"id":"o-1","customer":"c-7","amount":12.5,"time":"2024-06-18T10:00:03.250Z"}
// Output (key: the customer):
//   totals:  {"customer":"c-7","order":"o-1","total":12.5}            (one per order)
//   windows: {"count":3,"customer":"c-7","end":"…","start":"…","window":28644480}
//   dead letters: the original bytes, with headers `error` and `source`
//
// SIGTERM or SIGINT shuts the group down gracefully: the dataflow stops
// (with -r it suspends: open windows and totals stay in the snapshot, and a
// restart with the same -r continues), then the HTTP server, and the process
// exits 0.
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Sluice
import SluiceService

@main
struct OrdersServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders-service",
        abstract: "Per-customer running totals and 1-minute order counts over a Kafka topic, with GET /healthz.")

    @Option(help: "Bootstrap brokers, comma-separated (e.g. localhost:19092).")
    var brokers: String

    @Option(help: "The topic of JSON orders.")
    var ordersTopic: String = "orders"

    @Option(help: "The topic the running totals go to.")
    var totalsTopic: String = "totals"

    @Option(help: "The topic the 1-minute window counts go to.")
    var windowsTopic: String = "order-windows"

    @Option(help: "The topic unreadable messages and late orders go to.")
    var deadLetterTopic: String = "orders-dead"

    @Option(help: "Seconds to wait for out-of-order orders before a window closes.")
    var wait: Double = 5

    @Option(help: "The address the HTTP server listens on.")
    var httpHost: String = "0.0.0.0"

    @Option(help: "The HTTP port (0 picks a free one and prints it as http-port=N).")
    var httpPort: Int = 8080

    @Flag(inversion: .prefixedNo, help: "Keep reading new orders until stopped (default), or stop at the end of the topic.")
    var tail = true

    @OptionGroup var sluice: SluiceOptions

    func validate() throws {
        guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be zero or more seconds, got \(wait)") }
        guard (0...65_535).contains(httpPort) else {
            throw ValidationError("--http-port must be between 0 and 65535, got \(httpPort)")
        }
        guard sluice.processes == nil else {
            throw ValidationError("--processes is not supported by orders-service: start one process per member with -i/-a")
        }
    }

    var topics: OrdersTopics {
        OrdersTopics(orders: ordersTopic, totals: totalsTopic, windows: windowsTopic, deadLetters: deadLetterTopic)
    }

    func run() async throws {
        let logger = Logger(label: "orders-service")
        let flow = makeOrdersFlow(
            brokers: brokers.split(separator: ",").map(String.init), topics: topics,
            wait: .milliseconds(Int64(wait * 1000)), tail: tail)
        if sluice.printGraphIfRequested(flow) { return }
        // -w, --epoch-interval, -r/-s/-b and -i/-a with their SLUICE_… variables.
        var (configuration, cluster) = try sluice.settings(for: flow)
        // --metrics-address / SLUICE_METRICS_ADDRESS: /metrics, /healthz, /readyz, /dataflow, the dashboard.
        let monitor = try sluice.monitoringServer(for: flow)
        configuration.status = monitor?.status
        let dataflow = DataflowService(try flow.plan(), configuration: configuration, cluster: cluster)
        let http = makeHealthServer(host: httpHost, port: httpPort, logger: logger) { port in
            FileHandle.standardOutput.write(Data("http-port=\(port)\n".utf8))
        }
        // A group shuts down in reverse order: the dataflow first, then the HTTP server.
        // A finite run (--no-tail) that ends shuts the whole group down cleanly.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (monitor.map { [ServiceGroupConfiguration.ServiceConfiguration(service: MonitoringService($0))] } ?? []) + [
                    .init(service: http),
                    .init(service: dataflow, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
