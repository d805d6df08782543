import Foundation
import SluiceCluster
import SluiceEngine

/// How long a process that is asked to stop while it waits for its peers
/// still waits for them (to pass the stop on).
let stopGraceDuringStartup: Duration = .seconds(5)

/// Runs this process's part of a dataflow that runs on several processes
/// (on one or several machines): connects to every other process, checks
/// that all run the same dataflow (the handshake), then runs
/// `configuration.workers` workers here. Workers are numbered across the
/// cluster; each source partition is read by exactly one worker of the whole
/// cluster, and keyed routing, `redistribute` and epochs span every process.
///
/// If any process fails or is cut off, every other one stops within seconds
/// with an error naming it. With a recovery directory (which every process
/// must see), restarting all processes resumes the run exactly once.
///
/// ```swift
/// let cluster = try ClusterConfiguration(
///     processID: ProcessID(0), addresses: ClusterConfiguration.parseAddresses("10.0.0.1:7100;10.0.0.2:7100"))
/// try run(flow, configuration: RunConfiguration(workers: 2), cluster: cluster)
/// ```
/// - Parameters:
///   - flow: The dataflow (identical in every process).
///   - configuration: This process's workers, epoch length, recovery store…
///   - cluster: This process's id and every process's address; nil runs in this process alone.
///   - options: Start-up timeout, heartbeats, buffer limits.
/// - Throws: `DataflowError` naming the step and cause, or
///   `DataflowError.clusterFailed` naming the process that failed or was lost;
///   `ClusterError` when the processes cannot connect or refuse each other.
public func run(
    _ flow: Dataflow, configuration: RunConfiguration, cluster: ClusterConfiguration?,
    options: ClusterMeshOptions = ClusterMeshOptions()
) throws {
    guard let cluster, cluster.processCount > 1 else {
        try run(flow, configuration: configuration)
        return
    }
    try flow.validate()
    try RunConfiguration.checkWorkers(configuration.workers)
    var options = options
    if let startupTimeout = cluster.startupTimeout { options.startupTimeout = startupTimeout }
    var logger = configuration.logger
    logger[metadataKey: "process"] = "\(cluster.processID.rawValue)"
    let transport = MeshTransport(
        configuration: cluster, fingerprint: flow.fingerprint(workersPerProcess: configuration.workers),
        options: options, logger: logger)
    // A stop asked before or during start-up (a signal while peers are still
    // awaited) gives the missing peers a short grace: if they come, the run
    // starts and passes the stop on to them (all snapshot and end cleanly);
    // if not, this process returns without waiting out the start-up timeout.
    // Nothing ran yet, so nothing is lost.
    configuration.stopSignal?.onStop { transport.stopStarting(within: stopGraceDuringStartup) }
    let status = configuration.status
    status?.enter(.starting)
    status?.setCluster(
        processID: cluster.processID.rawValue, addresses: cluster.addresses.map(\.description), state: .connecting)
    do {
        try transport.start()
    } catch ClusterError.stoppedDuringStartup(let missing) {
        logger.notice("stopped during start-up; \(missing.map(\.description).joined(separator: ", ")) never connected")
        status?.enter(.stopped)
        return
    } catch {
        status?.fail("\(error)")
        throw error
    }
    status?.setMembers(.connected)
    var configuration = configuration
    configuration.transport = transport
    do {
        try Execution.run(flow.graph, configuration: configuration)
    } catch {
        transport.abort(reason: "\(error)")
        transport.close()
        throw error
    }
    transport.close()
}
