import ServiceLifecycle
import Sluice
import SluiceMonitor

/// Serves a `MonitoringServer` as a swift-service-lifecycle `Service`:
/// `run()` binds its address (an address in use or not of this host throws
/// `MonitorError.cannotListen` naming it, which fails the group), serves
/// until the group's graceful shutdown or cancellation, then closes.
/// Put it first in the group so it shuts down last: `/healthz` and
/// `/readyz` keep answering while the dataflow stops.
///
/// ```swift
/// let monitor = MonitoringServer(
///     address: try MonitorAddress(parsing: "0.0.0.0:9090"), shape: DataflowShape(plan),
///     registry: MonitoringServer.prometheusRegistry())
/// var configuration = RunConfiguration(workers: 2)
/// configuration.status = monitor.status
/// let group = ServiceGroup(
///     services: [MonitoringService(monitor), DataflowService(plan, configuration: configuration)],
///     gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public struct MonitoringService: Service {
    /// The server it runs.
    public let server: MonitoringServer

    /// Creates the service; nothing listens until the group calls `run()`.
    /// - Parameter server: The server.
    public init(_ server: MonitoringServer) { self.server = server }

    /// Listens until graceful shutdown or cancellation.
    /// - Throws: `MonitorError.cannotListen` naming the address.
    public func run() async throws {
        try await server.startListening()
        // Returns on graceful shutdown; throws CancellationError on cancellation.
        try? await gracefulShutdown()
        await server.stopListening()
    }
}
