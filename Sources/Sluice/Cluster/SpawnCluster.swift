import Foundation
import SluiceCluster
import SluiceEngine

/// Runs a dataflow as a cluster of `processes` members inside this process,
/// for tests and laptops: each member has its own TCP connections on
/// 127.0.0.1 (free ports), its own handshake and `workersPerProcess`
/// workers, exactly as separate processes would, and they share this
/// process's sources and sinks. Returns when every member finished, or
/// throws the failure that stopped them (the root cause, not the peers'
/// "process N stopped" errors).
///
/// To run separate OS processes instead, use `cliMain`'s `--processes N`,
/// or start the program once per process with `-i` and `-a`.
///
/// ```swift
/// try spawnCluster(flow, processes: 2, workersPerProcess: 2)
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - processes: Cluster members (at least 1).
///   - workersPerProcess: Worker threads in each member.
///   - configuration: Everything else (epoch length, recovery store…); its `workers` is ignored.
///   - options: Start-up timeout, heartbeats, buffer limits.
/// - Throws: The first root failure: `DataflowError` naming the step, or `ClusterError`.
public func spawnCluster(
    _ flow: Dataflow, processes: Int, workersPerProcess: Int,
    configuration: RunConfiguration = RunConfiguration(), options: ClusterMeshOptions = ClusterMeshOptions()
) throws {
    guard processes >= 1 else {
        throw DataflowError.invalidConfiguration("processes must be at least 1, got \(processes)")
    }
    var configuration = configuration
    configuration.workers = workersPerProcess
    if processes == 1 {
        try run(flow, configuration: configuration)
        return
    }
    let addresses = try LoopbackPorts.free(processes).map { PeerAddress(host: "127.0.0.1", port: $0) }
    let failures = FailureList()
    let members = DispatchGroup()
    for index in 0..<processes {
        let member = try ClusterConfiguration(processID: ProcessID(index), addresses: addresses)
        let settings = configuration
        let unchecked = UncheckedBox(flow)
        members.enter()
        Thread {
            defer { members.leave() }
            do {
                try run(unchecked.value, configuration: settings, cluster: member, options: options)
            } catch {
                failures.append(error)
            }
        }.start()
    }
    members.wait()
    if let root = failures.rootCause { throw root }
}

/// The failures of a spawned cluster's members.
private final class FailureList: @unchecked Sendable {
    // @unchecked: `errors` is guarded by `lock`.
    private let lock = NSLock()
    private var errors: [any Error] = []

    func append(_ error: any Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }

    /// A failure that is not just another member reporting it, else the first.
    var rootCause: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        let isEcho = { (error: any Error) -> Bool in
            if case DataflowError.clusterFailed = error { return true }
            if error is ClusterError { return true }
            return false
        }
        return errors.first { !isEcho($0) } ?? errors.first
    }
}
