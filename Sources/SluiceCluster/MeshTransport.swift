import Foundation
import Logging
import SluiceEngine

/// A `ClusterMesh` as the engine's `ProcessTransport`: frames that arrive
/// before the engine attaches are kept, in order, and handed over on attach.
///
/// ```swift
/// let transport = MeshTransport(configuration: configuration, fingerprint: "word_count/…")
/// try transport.start()          // waits for every peer
/// var run = RunConfiguration(workers: 2)
/// run.transport = transport
/// ```
package final class MeshTransport: ProcessTransport, @unchecked Sendable {
    // @unchecked: `pending`, `receiver`, `failureHandler` and `failure` are guarded by `lock`.
    private let lock = NSLock()
    private var pending: [(Int, [UInt8])] = []
    private var receiver: (@Sendable (Int, [UInt8]) -> Void)?
    private var failureHandler: (@Sendable (any Error) -> Void)?
    private var failure: ClusterError?
    private var mesh: ClusterMesh!

    /// The configuration the mesh was made with.
    package let configuration: ClusterConfiguration

    /// Creates the mesh; nothing is opened until `start()`.
    package init(
        configuration: ClusterConfiguration, fingerprint: String, options: ClusterMeshOptions = ClusterMeshOptions(),
        logger: Logger = Logger(label: "sluice.cluster")
    ) {
        self.configuration = configuration
        mesh = ClusterMesh(
            configuration: configuration, fingerprint: fingerprint, options: options, logger: logger,
            onFrame: { [weak self] peer, bytes in self?.received(bytes, from: peer.rawValue) },
            onFailure: { [weak self] error in self?.failed(error) })
    }

    /// Connects to every peer (blocks until all passed the handshake).
    package func start() throws { try mesh.start() }

    /// A stop came during start-up: wait for the missing peers at most
    /// `grace` more (see `ClusterMesh.stopStarting(within:)`).
    package func stopStarting(within grace: Duration) { mesh.stopStarting(within: grace) }

    /// Says goodbye to every peer and closes the connections.
    package func close() { mesh.close() }

    package var processIndex: Int { configuration.processID.rawValue }
    package var processCount: Int { configuration.processCount }

    package func address(ofProcess process: Int) -> String? {
        configuration.addresses.indices.contains(process) ? "\(configuration.addresses[process])" : nil
    }

    package func attach(
        receiver: @escaping @Sendable (Int, [UInt8]) -> Void, onFailure: @escaping @Sendable (any Error) -> Void
    ) {
        lock.lock()
        // Delivered under the lock so that later frames cannot overtake them.
        for (peer, bytes) in pending { receiver(peer, bytes) }
        pending = []
        self.receiver = receiver
        failureHandler = onFailure
        let failure = self.failure
        lock.unlock()
        if let failure { onFailure(failure) }
    }

    package func send(_ bytes: [UInt8], toProcess process: Int) throws {
        try mesh.send(bytes, to: ProcessID(process))
    }

    package func pendingBytes(toProcess process: Int) -> Int { mesh.pendingBytes(to: ProcessID(process)) }

    package func abort(reason: String) { mesh.abort(reason: reason) }

    private func received(_ bytes: [UInt8], from peer: Int) {
        lock.lock()
        if let receiver {
            lock.unlock()
            receiver(peer, bytes)
        } else {
            pending.append((peer, bytes))
            lock.unlock()
        }
    }

    private func failed(_ error: ClusterError) {
        lock.lock()
        if failure == nil { failure = error }
        let handler = failureHandler
        lock.unlock()
        handler?(error)
    }
}
