import CoreMetrics
import Prometheus
import Synchronization

extension MonitoringServer {
    /// The Prometheus registry a monitoring endpoint should serve: the
    /// registry of the `PrometheusMetricsFactory` the application
    /// bootstrapped, or, when no metrics backend was bootstrapped yet, a new
    /// registry that this call bootstraps swift-metrics with (so the
    /// engine's `sluice_…` metrics are recorded from then on). When another
    /// backend was bootstrapped it is left alone and an empty registry is
    /// returned: pass your own registry to `MonitoringServer` instead.
    ///
    /// Sluice calls it only for an explicit `--metrics-address` (the
    /// application's choice); the library never bootstraps by itself.
    /// Call it before anything records metrics, once per process.
    ///
    /// ```swift
    /// let registry = MonitoringServer.prometheusRegistry()
    /// let server = try MonitoringServer(address: "0.0.0.0:9090", flow: flow, registry: registry)
    /// ```
    /// - Returns: The registry whose metrics `/metrics` shows.
    public static func prometheusRegistry() -> PrometheusCollectorRegistry {
        // Two callers at once must not both bootstrap (swift-metrics crashes on a second bootstrap).
        bootstrapLock.withLock { _ in
            if let prometheus = MetricsSystem.factory as? PrometheusMetricsFactory { return prometheus.registry }
            guard MetricsSystem.factory is NOOPMetricsHandler else { return PrometheusCollectorRegistry() }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            return registry
        }
    }
}

/// Serializes `prometheusRegistry()`.
private let bootstrapLock = Mutex(())
