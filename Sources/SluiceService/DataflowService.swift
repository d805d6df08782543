import ServiceLifecycle
import Sluice

/// Runs a dataflow as a swift-service-lifecycle `Service`, so it lives in a
/// `ServiceGroup` beside an HTTP server or other workers and stops with
/// them: on the group's graceful shutdown (SIGTERM in a rolling update) and
/// on cancellation the run stops gracefully (with a recovery store it
/// suspends, so the next start continues it; without one the input ends and
/// everything flushes), then `run()` returns. In a cluster the stop reaches
/// every process. The workers run on threads of their own, never on Swift's
/// cooperative pool.
///
/// How a `ServiceGroup` treats the end of the run:
/// - The run ends by itself (finite input): `run()` returns. With the
///   default `successTerminationBehavior` (`.cancelGroup`) the group then
///   cancels its other services and throws
///   `ServiceGroupError.serviceFinishedUnexpectedly`; use
///   `.gracefullyShutdownGroup` to end the group cleanly, or `.ignore` to
///   keep the other services running.
/// - The run fails: `run()` throws the run's error (a `DataflowError`
///   naming the step, or a `ClusterError`). With the default
///   `failureTerminationBehavior` (`.cancelGroup`) the group cancels the
///   other services and `ServiceGroup.run()` throws that error.
/// - A stop (graceful shutdown or cancellation): `run()` returns normally,
///   which the group expects during a shutdown.
///
/// ```swift
/// let plan = try flow.plan()
/// var configuration = RunConfiguration(workers: 2)
/// configuration.recoveryStore = try SQLiteRecoveryStore(directory: "state", flowID: plan.id)
/// let group = ServiceGroup(
///     services: [httpServer, DataflowService(plan, configuration: configuration)],
///     gracefulShutdownSignals: [.sigterm], cancellationSignals: [.sigint], logger: logger)
/// try await group.run()
/// ```
public struct DataflowService: Service {
    /// The dataflow this service runs.
    public let plan: DataflowPlan
    /// How it runs (workers, recovery store, logger…).
    public var configuration: RunConfiguration
    /// This process's place in a cluster; nil runs in this process alone.
    public var cluster: ClusterConfiguration?
    /// Start-up timeout, heartbeats, buffer limits of a cluster run.
    public var options: ClusterMeshOptions
    /// Drain instead of suspending on graceful shutdown: end the input and
    /// flush every step even with a recovery store. Default false.
    public var drainsOnShutdown: Bool

    /// Creates the service; nothing runs until the group calls `run()`.
    ///
    /// ```swift
    /// let service = DataflowService(try flow.plan(), configuration: RunConfiguration(workers: 2))
    /// ```
    /// - Parameters:
    ///   - plan: The frozen dataflow (`try flow.plan()`).
    ///   - configuration: How it runs; a `stopSignal` in it still stops the run too.
    ///   - cluster: This process's id and every process's address; nil runs in this process alone.
    ///   - options: Start-up timeout, heartbeats, buffer limits.
    ///   - drainsOnShutdown: Drain instead of suspending on graceful shutdown.
    public init(
        _ plan: DataflowPlan, configuration: RunConfiguration = RunConfiguration(),
        cluster: ClusterConfiguration? = nil, options: ClusterMeshOptions = ClusterMeshOptions(),
        drainsOnShutdown: Bool = false
    ) {
        self.plan = plan
        self.configuration = configuration
        self.cluster = cluster
        self.options = options
        self.drainsOnShutdown = drainsOnShutdown
    }

    /// Runs the dataflow until it ends, fails, or the group shuts down
    /// gracefully or is cancelled (then it stops gracefully and returns).
    ///
    /// ```swift
    /// try await DataflowService(plan).run()   // usually the ServiceGroup calls it
    /// ```
    /// - Throws: The run's error: `DataflowError` naming the step and
    ///   cause, `DataflowError.clusterFailed`, `ClusterError`.
    public func run() async throws {
        let running = start(plan, configuration: configuration, cluster: cluster, options: options)
        let draining = drainsOnShutdown
        // `value` turns cancellation into a graceful stop; the handler does
        // the same for the group's graceful shutdown.
        try await withGracefulShutdownHandler {
            try await running.value
        } onGracefulShutdown: {
            running.stop(draining: draining)
        }
    }
}
