import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import SluiceCore
import SluiceEngine
import Synchronization

/// The monitoring endpoint of a process: an HTTP server (SwiftNIO, on its
/// own event loop, never on a worker) serving `/metrics` (Prometheus text
/// from `registry`), `/healthz`, `/readyz`, `/dataflow` and the live
/// dashboard at `/`. Off unless an application starts one: `cliMain` and
/// `SluiceOptions.run` start it for `--metrics-address HOST:PORT` or
/// `SLUICE_METRICS_ADDRESS`; a service creates its own.
///
/// The library never bootstraps a metrics backend. A service that
/// bootstrapped swift-metrics with a `PrometheusMetricsFactory` passes that
/// factory's registry; `MonitoringServer.prometheusRegistry()` returns the
/// registry to use, bootstrapping Prometheus only if no backend was
/// bootstrapped yet (what `--metrics-address` does).
///
/// ```swift
/// let registry = MonitoringServer.prometheusRegistry()
/// let server = try MonitoringServer(address: "127.0.0.1:9090", flow: flow, registry: registry)
/// try server.start()                     // binds now: an address in use throws, naming it
/// var configuration = RunConfiguration(workers: 2)
/// configuration.status = server.status   // /readyz follows the run
/// try run(flow, configuration: configuration)
/// server.stop()
/// ```
public final class MonitoringServer: Sendable {
    /// Where it listens (as asked; see `boundPort` for port 0).
    public let address: MonitorAddress
    /// What it answers.
    public let routes: MonitorRoutes
    private let channel = Mutex<(any Channel)?>(nil)

    /// The run's status this server reports; give it to the run with
    /// `RunConfiguration.status`.
    public var status: RunStatus { routes.status }

    /// Where `/metrics` reads.
    public var registry: PrometheusCollectorRegistry { routes.registry }

    /// Creates a server (it does not listen until `start()`).
    /// - Parameters:
    ///   - address: Where to listen.
    ///   - shape: The flow's shape for `/dataflow` and the dashboard.
    ///   - registry: Where `/metrics` reads.
    ///   - status: The status to report (a new one by default).
    public init(
        address: MonitorAddress, shape: DataflowShape?, registry: PrometheusCollectorRegistry,
        status: RunStatus = RunStatus()
    ) {
        self.address = address
        self.routes = MonitorRoutes(status: status, registry: registry, shape: shape)
    }

    /// Creates a server for `flow` on `address` (it does not listen until `start()`).
    /// - Parameters:
    ///   - address: `HOST:PORT` (port 0: any free port).
    ///   - flow: The dataflow it reports.
    ///   - registry: Where `/metrics` reads (see `prometheusRegistry()`).
    ///   - status: The status to report (a new one by default).
    /// - Throws: `MonitorError.malformedAddress` naming the address.
    public convenience init(
        address: String, flow: Dataflow?, registry: PrometheusCollectorRegistry, status: RunStatus = RunStatus()
    ) throws {
        self.init(
            address: try MonitorAddress(parsing: address), shape: flow.map { DataflowShape($0) }, registry: registry,
            status: status)
    }

    /// How long a connection may take to send a complete request before it
    /// is closed (10 s; tests shorten it). Set before `start()`.
    package var requestTimeout: TimeAmount {
        get { requestTimeoutSetting.withLock { $0 } }
        set { requestTimeoutSetting.withLock { $0 = newValue } }
    }
    private let requestTimeoutSetting = Mutex<TimeAmount>(.seconds(10))

    /// The port it listens on once started (the chosen one for port 0).
    public var boundPort: Int? { channel.withLock { $0?.localAddress?.port } }

    /// Starts listening, blocking until the socket is bound; returns at once
    /// after that (requests are served on SwiftNIO's event loop).
    /// - Throws: `MonitorError.cannotListen` naming the address (in use,
    ///   not an address of this host…).
    public func start() throws {
        let bound: any Channel
        do {
            bound = try bootstrap().bind(host: address.host, port: address.port).wait()
        } catch {
            throw MonitorError.cannotListen(address.description, reason: Self.describe(error))
        }
        keep(bound)
    }

    /// Starts listening (the `async` form of `start()`).
    /// - Throws: `MonitorError.cannotListen` naming the address.
    public func startListening() async throws {
        let bound: any Channel
        do {
            bound = try await bootstrap().bind(host: address.host, port: address.port).get()
        } catch {
            throw MonitorError.cannotListen(address.description, reason: Self.describe(error))
        }
        keep(bound)
    }

    /// Stops listening and waits until the socket is closed. Idempotent.
    public func stop() {
        guard let open = channel.withLock({ current -> (any Channel)? in defer { current = nil }; return current })
        else { return }
        try? open.close().wait()
    }

    /// Stops listening (the `async` form of `stop()`).
    public func stopListening() async {
        guard let open = channel.withLock({ current -> (any Channel)? in defer { current = nil }; return current })
        else { return }
        try? await open.close().get()
    }

    private func keep(_ bound: any Channel) {
        let previous = channel.withLock { current -> (any Channel)? in
            defer { current = bound }
            return current
        }
        previous?.close(promise: nil)
    }

    private func bootstrap() -> ServerBootstrap {
        let routes = routes
        let requestTimeout = requestTimeout
        return ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A connection that sends no complete request in time is closed.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: requestTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MonitorHTTPHandler(routes: routes))
                }
            }
    }

    /// A short reason for a bind failure.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            if error.errnoCode == EADDRINUSE { return "the address is already in use" }
            if error.errnoCode == EADDRNOTAVAIL { return "it is not an address of this host" }
            if error.errnoCode == EACCES { return "permission denied (ports below 1024 need privileges)" }
        }
        return "\(error)"
    }
}
