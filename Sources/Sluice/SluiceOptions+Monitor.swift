import Foundation
import SluiceEngine
import SluiceMonitor

extension SluiceOptions {
    /// The monitoring address of `--metrics-address` or
    /// `SLUICE_METRICS_ADDRESS`, or nil when monitoring is off.
    ///
    /// ```swift
    /// if let address = try sluice.monitorAddress() { print("monitoring on", address) }
    /// ```
    /// - Parameter environment: Where `SLUICE_METRICS_ADDRESS` is read.
    /// - Returns: The address, or nil.
    /// - Throws: `MonitorError.malformedAddress` naming the address.
    public func monitorAddress(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MonitorAddress? {
        let text = metricsAddress ?? environment["SLUICE_METRICS_ADDRESS"].flatMap { $0.isEmpty ? nil : $0 }
        return try text.map { try MonitorAddress(parsing: $0) }
    }

    /// The monitoring endpoint these options ask for (not yet listening:
    /// call `start()`, or run it as a service), or nil when monitoring is
    /// off. Its registry is the bootstrapped Prometheus factory's; when no
    /// metrics backend was bootstrapped yet, this bootstraps one (the
    /// application asked for metrics by giving the address).
    ///
    /// ```swift
    /// var (configuration, cluster) = try sluice.settings(for: flow)
    /// if let monitor = try sluice.monitoringServer(for: flow) {
    ///     try monitor.start()
    ///     configuration.status = monitor.status
    /// }
    /// ```
    /// - Parameters:
    ///   - flow: The dataflow it reports.
    ///   - environment: Where `SLUICE_METRICS_ADDRESS` is read.
    /// - Returns: The server, or nil.
    /// - Throws: `MonitorError.malformedAddress` naming the address.
    public func monitoringServer(
        for flow: Dataflow, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MonitoringServer? {
        guard let address = try monitorAddress(environment: environment) else { return nil }
        return MonitoringServer(
            address: address, shape: DataflowShape(flow), registry: MonitoringServer.prometheusRegistry())
    }

    /// With `--print-graph mermaid|dot`, prints the flow to standard output
    /// and returns true (the program should exit without running it).
    ///
    /// ```swift
    /// if sluice.printGraphIfRequested(flow) { return }
    /// ```
    /// - Parameter flow: The dataflow.
    /// - Returns: Whether the graph was printed.
    public func printGraphIfRequested(_ flow: Dataflow) -> Bool {
        guard let printGraph else { return false }
        FileHandle.standardOutput.write(Data(printGraph.render(flow).utf8))
        return true
    }

    /// Tells on standard error where the endpoint listens (with port 0, the chosen port).
    package func announce(_ monitor: MonitoringServer) {
        let port = monitor.boundPort ?? monitor.address.port
        let address = MonitorAddress(host: monitor.address.host, port: port)
        FileHandle.standardError.write(
            Data("sluice: monitoring on http://\(address)/ (/metrics /healthz /readyz /dataflow)\n".utf8))
    }
}
