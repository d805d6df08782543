import Foundation
import Sluice
import SluiceTestSupport
import Synchronization
import Testing

/// Runs each flow as one member of a cluster on 127.0.0.1 (flow `i` is
/// process `i`), each on its own thread with its own TCP connections, and
/// returns how each ended. Bounded: a member that does not return within
/// `hangBound` is recorded as an issue (and reported as `TestStopped`).
func runClusterMembers(
    _ flows: [Dataflow], configuration: RunConfiguration, options: ClusterMeshOptions = ClusterMeshOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Result<Void, any Error>] {
    try runClusterMembers(
        flows, configurations: flows.map { _ in configuration }, options: options, sourceLocation: sourceLocation)
}

/// `runClusterMembers` with a configuration per member (member `i` uses
/// `configurations[i]`: its own store, its own worker count…).
func runClusterMembers(
    _ flows: [Dataflow], configurations: [RunConfiguration], options: ClusterMeshOptions = ClusterMeshOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Result<Void, any Error>] {
    let addresses = try LoopbackPorts.free(flows.count).map { PeerAddress(host: "127.0.0.1", port: $0) }
    let outcomes = Mutex<[Int: Result<Void, any Error>]>([:])
    let group = DispatchGroup()
    for (index, flow) in flows.enumerated() {
        let member = try ClusterConfiguration(processID: ProcessID(index), addresses: addresses)
        let handoff = Handoff(value: flow)
        let configuration = configurations[index]
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            let result = Result { try run(handoff.value, configuration: configuration, cluster: member, options: options) }
            outcomes.withLock { $0[index] = result }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    guard group.wait(timeout: .after(hangBound)) == .success else {
        Issue.record("a cluster member did not return within \(hangBound)", sourceLocation: sourceLocation)
        return flows.indices.map { _ in .failure(TestStopped()) }
    }
    return outcomes.withLock { results in flows.indices.map { results[$0]! } }
}

extension Result {
    /// The error of a failed result, or nil.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
