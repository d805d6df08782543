/// The engine's view of the other processes of a cluster: numbered
/// processes, frames of bytes between them, and one failure for the whole
/// run. `SluiceCluster` implements it over TCP (`ClusterMesh`); the engine
/// never sees sockets.
///
/// ```swift
/// var configuration = RunConfiguration(workers: 2)
/// configuration.transport = transport   // e.g. a started MeshTransport
/// try Execution.run(graph, configuration: configuration)
/// ```
package protocol ProcessTransport: AnyObject, Sendable {
    /// This process's index, 0..<processCount.
    var processIndex: Int { get }
    /// Processes in the cluster, this one included.
    var processCount: Int { get }
    /// Sets what receives frames (on a network thread, in the order each
    /// peer thread sent them) and what hears of the transport's failure.
    /// Frames that arrived before are delivered first, in order.
    func attach(
        receiver: @escaping @Sendable (_ fromProcess: Int, _ bytes: [UInt8]) -> Void,
        onFailure: @escaping @Sendable (any Error) -> Void)
    /// Queues bytes for a process without blocking.
    /// - Throws: The transport's failure, or why the frame cannot be queued.
    func send(_ bytes: [UInt8], toProcess process: Int) throws
    /// Bytes queued for `process` and not yet written to the network.
    func pendingBytes(toProcess process: Int) -> Int
    /// Tells every peer this process failed (they stop with an error naming it).
    func abort(reason: String)
    /// The address a process listens on (`host:port`), for messages; nil when unknown.
    func address(ofProcess process: Int) -> String?
}

extension ProcessTransport {
    package func address(ofProcess process: Int) -> String? { nil }
}
