import SluiceCluster
import SluiceCore
import SluiceEngine

/// Starts this process's part of a dataflow plan on a background thread and
/// returns at once; with a `cluster` the thread first connects to every other
/// process (the blocking start-up never runs on the caller's thread or on
/// Swift's cooperative pool). Failures to connect come out of `wait()` or
/// `value`.
///
/// ```swift
/// let running = start(plan, configuration: RunConfiguration(workers: 2), cluster: cluster)
/// // … later:
/// running.stop()
/// try await running.value
/// ```
/// - Parameters:
///   - plan: The frozen dataflow (identical in every process).
///   - configuration: How to run it; its `stopSignal` (one is made if nil) becomes the handle's.
///   - cluster: This process's id and every process's address; nil runs in this process alone.
///   - options: Start-up timeout, heartbeats, buffer limits.
/// - Returns: A handle to stop and wait for the run.
public func start(
    _ plan: DataflowPlan, configuration: RunConfiguration, cluster: ClusterConfiguration? = nil,
    options: ClusterMeshOptions = ClusterMeshOptions()
) -> RunningDataflow {
    launch(configuration) { settings in try run(plan, configuration: settings, cluster: cluster, options: options) }
}

/// Starts this process's part of a dataflow running on a cluster, on a
/// background thread, and returns at once (see `start(_:configuration:)`;
/// the thread connects to the other processes first).
///
/// ```swift
/// let running = start(flow, configuration: RunConfiguration(workers: 2), cluster: cluster)
/// running.stop()                  // stops every process of the cluster
/// try running.wait()
/// ```
/// - Parameters:
///   - flow: The dataflow (identical in every process; do not change it afterwards).
///   - configuration: How to run it; its `stopSignal` (one is made if nil) becomes the handle's.
///   - cluster: This process's id and every process's address; nil runs in this process alone.
///   - options: Start-up timeout, heartbeats, buffer limits.
/// - Returns: A handle to stop and wait for the run.
public func start(
    _ flow: Dataflow, configuration: RunConfiguration, cluster: ClusterConfiguration?,
    options: ClusterMeshOptions = ClusterMeshOptions()
) -> RunningDataflow {
    let unchecked = UncheckedBox(flow)
    return launch(configuration) { settings in
        try run(unchecked.value, configuration: settings, cluster: cluster, options: options)
    }
}
