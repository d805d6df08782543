import Foundation
import Prometheus
import SluiceEngine

/// What the monitoring endpoint answers on each path, apart from the
/// network: `/metrics` (Prometheus text), `/healthz` (200 unless the run
/// failed), `/readyz` (200 only while running), `/dataflow` (JSON, see
/// `DataflowReport`) and `/` (the dashboard). Every answer is built from
/// values read under short locks, so none waits for the run.
///
/// ```swift
/// let routes = MonitorRoutes(status: RunStatus(), registry: PrometheusCollectorRegistry(), shape: DataflowShape(flow))
/// print(routes.respond(method: "GET", path: "/healthz").status)   // 200
/// ```
public struct MonitorRoutes: Sendable {
    /// The run's status.
    public let status: RunStatus
    /// Where `/metrics` reads.
    public let registry: PrometheusCollectorRegistry
    /// The flow's shape, for `/dataflow` and the dashboard (nil: none).
    public let shape: DataflowShape?

    /// Creates the routes.
    /// - Parameters:
    ///   - status: The run's status.
    ///   - registry: Where `/metrics` reads.
    ///   - shape: The flow's shape.
    public init(status: RunStatus, registry: PrometheusCollectorRegistry, shape: DataflowShape?) {
        self.status = status
        self.registry = registry
        self.shape = shape
    }

    /// The answer to a request.
    /// - Parameters:
    ///   - method: The HTTP method (`GET` and `HEAD` are served).
    ///   - path: The request target; a query string is ignored.
    /// - Returns: The response.
    public func respond(method: String, path: String) -> MonitorResponse {
        guard method == "GET" || method == "HEAD" else { return .text(405, "method \(method) not allowed: use GET\n") }
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        switch route {
        case "/metrics":
            return MonitorResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
        case "/healthz":
            let now = status.current
            if now.isAlive { return .text(200, "ok: \(now.phase.rawValue)\n") }
            return .text(503, "failed: \(now.reason ?? "unknown error")\n")
        case "/readyz":
            let now = status.current
            if now.isReady { return .text(200, "ready\n") }
            if let reason = now.reason { return .text(503, "not ready: \(now.phase.rawValue): \(reason)\n") }
            return .text(503, "not ready: \(now.phase.rawValue)\n")
        case "/dataflow":
            do {
                let body = try DataflowReport(shape: shape, status: status.current).json()
                return MonitorResponse(status: 200, contentType: "application/json", body: Array(body))
            } catch {
                return .text(500, "cannot encode the dataflow: \(error)\n")
            }
        case "/", "/index.html":
            return MonitorResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(DashboardPage.html.utf8))
        default:
            return .text(404, "not found: \(route) (try /, /metrics, /healthz, /readyz, /dataflow)\n")
        }
    }
}
