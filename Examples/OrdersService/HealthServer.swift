import Hummingbird
import Logging
import NIOCore

/// The service's HTTP side: a Hummingbird application that answers
/// `GET /healthz` with 200 `ok` while it runs. It is a swift-service-lifecycle
/// `Service`, so the `ServiceGroup`'s graceful shutdown stops it.
///
/// ```swift
/// let http = makeHealthServer(host: "127.0.0.1", port: 0, logger: logger) { port in print("http-port=\(port)") }
/// ```
/// - Parameters:
///   - host: The address to listen on (`0.0.0.0` for every interface).
///   - port: The port; 0 picks a free one (reported to `onRunning`).
///   - logger: Where the server logs.
///   - onRunning: Called with the bound port once the server accepts connections.
/// - Returns: The server, to run in a `ServiceGroup`.
func makeHealthServer(
    host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
) -> some ApplicationProtocol {
    let router = Router()
    router.get("healthz") { _, _ in "ok" }
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "orders-service"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
