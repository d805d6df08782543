import Foundation
import Sluice
import Synchronization
import Testing

/// Runs each flow as one member of a cluster on 127.0.0.1 (flow `i` is
/// process `i`), each on its own thread with its own TCP connections, and
/// returns how each ended. Bounded: a member that does not return within
/// `runBound` is recorded as an issue (and reported as `RunTimedOut`).
func runClusterMembers(
    _ flows: [Dataflow], configuration: RunConfiguration, options: ClusterMeshOptions = ClusterMeshOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Result<Void, any Error>] {
    let addresses = try LoopbackPorts.free(flows.count).map { PeerAddress(host: "127.0.0.1", port: $0) }
    let outcomes = Mutex<[Int: Result<Void, any Error>]>([:])
    let group = DispatchGroup()
    for (index, flow) in flows.enumerated() {
        let member = try ClusterConfiguration(processID: ProcessID(index), addresses: addresses)
        let handoff = Handoff(value: flow)
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            let result = Result { try run(handoff.value, configuration: configuration, cluster: member, options: options) }
            outcomes.withLock { $0[index] = result }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    guard group.wait(timeout: .now() + runBound) == .success else {
        Issue.record("a cluster member did not return within \(Int(runBound)) s", sourceLocation: sourceLocation)
        return flows.indices.map { _ in .failure(RunTimedOut(workers: configuration.workers)) }
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

/// Errors collected from several threads.
final class ErrorList: @unchecked Sendable {
    // @unchecked: `errors` is guarded by `lock`.
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ error: any Error) { lock.withLock { errors.append(error) } }
    var all: [any Error] { lock.withLock { errors } }
}
