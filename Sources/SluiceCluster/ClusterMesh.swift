import Foundation
import Logging
import NIOCore
import NIOPosix
import SluiceEngine

/// All-to-all TCP connections between the processes of a cluster: framed
/// messages, a checked handshake, heartbeats and fail-fast.
///
/// Every process listens on its own address and dials every process with a
/// lower id. `start()` blocks until every peer has connected and passed the
/// handshake (same protocol version, dataflow fingerprint, process count and
/// secret; distinct ids), or throws an error naming the peer. The API is for
/// plain threads: `send` never blocks, received frames go to `onFrame`.
/// A connection this process accepted can fail the mesh only once the peer
/// proved the secret (without one: once the connection is up); before, it
/// is held to a deadline, a small frame limit and a cap on their number
/// (`ClusterMeshOptions`), and a bad frame closes only that connection.
///
/// ```swift
/// let inbox = FrameQueue()
/// let mesh = ClusterMesh(configuration: configuration, fingerprint: "word_count/v1", onFrame: inbox.append)
/// try mesh.start()
/// try mesh.send([1, 2, 3], to: ProcessID(0))
/// let received = inbox.next(timeout: .seconds(5))
/// mesh.close()   // says goodbye to every peer
/// ```
public final class ClusterMesh: @unchecked Sendable {
    // @unchecked: `state` is only touched under `condition`; everything else is immutable.
    /// Which process this is and where the others listen.
    public let configuration: ClusterConfiguration
    /// What the processes must agree on (e.g. a hash of the step ids and shape).
    public let fingerprint: String
    /// Timeouts and limits.
    public let options: ClusterMeshOptions
    let logger: Logger
    private let onFrame: @Sendable (ProcessID, [UInt8]) -> Void
    private let onFailure: (@Sendable (ClusterError) -> Void)?
    let group: MultiThreadedEventLoopGroup
    let condition = NSCondition()
    var state = MeshState()
    /// The largest frame a connection may send before it is established:
    /// room for a hello with details twice over, at least 4 KiB.
    let handshakeFrameLimit: Int

    /// Creates a mesh; nothing is opened until `start()`.
    /// - Parameters:
    ///   - configuration: This process's id and every process's address.
    ///   - fingerprint: A string every process must give identically (the dataflow's shape).
    ///   - options: Timeouts and limits.
    ///   - logger: Where start-up retries, connections and failures are logged.
    ///   - onFrame: Called on a network thread with each data frame, in the order the peer sent them.
    ///   - onFailure: Called once, on any thread, when the mesh fails (a peer lost, refused or aborted).
    public init(
        configuration: ClusterConfiguration, fingerprint: String, options: ClusterMeshOptions = ClusterMeshOptions(),
        logger: Logger = Logger(label: "sluice.cluster"),
        onFrame: @escaping @Sendable (ProcessID, [UInt8]) -> Void,
        onFailure: (@Sendable (ClusterError) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.fingerprint = fingerprint
        self.options = options
        var logger = logger
        logger[metadataKey: "process"] = "\(configuration.processID.rawValue)"
        self.logger = logger
        self.onFrame = onFrame
        self.onFailure = onFailure
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let fullHello = Hello(
            processID: configuration.processID, hasSecret: false, nonce: Hello.makeNonce(),
            details: HandshakeDetails(
                fingerprint: fingerprint, processCount: configuration.processCount, addresses: configuration.addressList))
        handshakeFrameLimit = max(4096, 2 * fullHello.frame.payload.readableBytes + 1024)
    }

    /// What this process sends for the peers to check (with a secret, only after both proofs).
    var ownDetails: HandshakeDetails {
        HandshakeDetails(fingerprint: fingerprint, processCount: configuration.processCount, addresses: configuration.addressList)
    }

    /// Listens, connects to every peer and waits until all passed the
    /// handshake. Call once, from a plain thread (it blocks).
    /// - Throws: `ClusterError`: `.addressInUse`, `.peersMissing` after
    ///   `options.startupTimeout`, `.handshakeRefused`, `.refusedByPeer`, …
    ///   On any error every connection is closed.
    public func start() throws {
        condition.lock()
        precondition(state.phase == .idle, "ClusterMesh.start() may be called once")
        state.phase = .starting
        for peer in configuration.peers where configuration.dials(peer) { state.dials[peer] = MeshState.Dial() }
        condition.unlock()
        do throws(ClusterError) {
            try listen()
            try awaitPeers()
        } catch {
            fail(error)
            teardown()
            throw error
        }
        logger.info("cluster of \(configuration.processCount) processes connected")
    }

    /// Sends one frame of bytes to a peer without blocking. Frames to one peer
    /// arrive in the order one thread sent them.
    /// - Parameters:
    ///   - bytes: The payload.
    ///   - peer: Another process of the cluster.
    /// - Throws: The mesh's failure if it failed; `.sendBufferFull` when the
    ///   bytes would exceed `options.maxPendingBytesPerPeer` (nothing is
    ///   queued: retry after `pendingBytes(to:)` dropped); `.peerClosed`,
    ///   `.unknownPeer`, `.frameTooLarge`.
    public func send(_ bytes: [UInt8], to peer: ProcessID) throws {
        guard bytes.count < Frame.maxLength else { throw ClusterError.frameTooLarge(size: bytes.count, limit: Frame.maxLength) }
        let link = try link(to: peer)
        let pending = link.pendingBytes.load(ordering: .relaxed)
        if pending > 0, pending + bytes.count > options.maxPendingBytesPerPeer {
            throw ClusterError.sendBufferFull(peer, pendingBytes: pending, limit: options.maxPendingBytesPerPeer)
        }
        link.write(Frame(.data, payload: ByteBuffer(bytes: bytes)))
    }

    /// Bytes sent to `peer` and not yet written to its socket.
    /// - Parameter peer: A connected peer.
    /// - Returns: The count, or 0 if the peer is not connected.
    public func pendingBytes(to peer: ProcessID) -> Int {
        condition.lock()
        defer { condition.unlock() }
        return state.links[peer]?.pendingBytes.load(ordering: .relaxed) ?? 0
    }

    /// The error the mesh failed with, or nil while it is healthy.
    public var failure: ClusterError? {
        condition.lock()
        defer { condition.unlock() }
        return state.failure
    }

    /// Waits up to `timeout` for the mesh to fail.
    ///
    /// ```swift
    /// if let failure = mesh.waitForFailure(timeout: .seconds(10)) { print(failure) }
    /// ```
    /// - Parameter timeout: The longest wait.
    /// - Returns: The failure, or nil if it did not fail in time.
    public func waitForFailure(timeout: Duration) -> ClusterError? {
        waitUntil(timeout: timeout.seconds) { $0.failure }
    }

    /// Waits up to `timeout` for `peer` to say goodbye.
    ///
    /// ```swift
    /// let leftCleanly = mesh.waitForGoodbye(from: ProcessID(1), timeout: .seconds(5))
    /// ```
    /// - Parameters:
    ///   - peer: Another process.
    ///   - timeout: The longest wait.
    /// - Returns: True if the peer left cleanly in time.
    public func waitForGoodbye(from peer: ProcessID, timeout: Duration) -> Bool {
        waitUntil(timeout: timeout.seconds) { $0.departed.contains(peer) ? true : nil } ?? false
    }

    /// Says goodbye to every peer (unless the mesh failed), closes every
    /// connection and stops the network thread. Call from a plain thread.
    public func close() {
        condition.lock()
        let running = state.phase == .running || state.phase == .starting
        let links = state.failure == nil && running ? Array(state.links.values) : []
        if state.phase != .closed { state.phase = .closing }
        condition.unlock()
        let goodbyes = links.map { link in
            link.channel.writeAndFlush(Frame(.goodbye).encoded(allocator: link.channel.allocator))
        }
        for goodbye in goodbyes { _ = try? goodbye.wait() }
        // Each peer closes the connection once it read the goodbye. Closing
        // first, with the peer's frames still unread here, would send a reset
        // that can discard the goodbye before the peer reads it (it would then
        // report this process as lost). Bounded: a peer that is gone never closes.
        Self.waitForAll(links.map(\.channel.closeFuture), seconds: 2)
        teardown()
    }

    /// A stop came while the mesh may still be starting: `start()` waits for
    /// the missing peers at most `seconds` more (so that, if they come, the
    /// run starts and passes the stop on to them), then throws
    /// `ClusterError.stoppedDuringStartup`. Does nothing once the mesh runs.
    ///
    /// ```swift
    /// stop.onStop { mesh.stopStarting(within: .seconds(5)) }
    /// ```
    /// - Parameter grace: The grace for the missing peers.
    public func stopStarting(within grace: Duration) {
        condition.lock()
        defer { condition.unlock() }
        guard state.phase == .idle || state.phase == .starting else { return }
        let at = Date(timeIntervalSinceNow: grace.seconds)
        state.stopWaitingAt = min(state.stopWaitingAt ?? at, at)
        condition.broadcast()
    }

    /// Stops the mesh because this process failed: every peer is told the
    /// reason (and stops with an error naming this process), then every
    /// connection closes. Does nothing if the mesh already failed or closed.
    ///
    /// ```swift
    /// mesh.abort(reason: "step 'flow.parse' failed: bad input")
    /// ```
    /// - Parameter reason: What went wrong, for the peers' error messages.
    public func abort(reason: String) {
        fail(.localFailure(reason: reason))
    }

    deinit {
        // Without `close()` the network thread would outlive the mesh; the
        // non-blocking shutdown is safe from any thread, the event loop's included.
        if state.phase != .closed { group.shutdownGracefully { _ in } }
    }

    private func link(to peer: ProcessID) throws -> PeerLink {
        condition.lock()
        defer { condition.unlock() }
        if let failure = state.failure { throw failure }
        if let link = state.links[peer] { return link }
        guard peer != configuration.processID, (0..<configuration.processCount).contains(peer.rawValue) else {
            throw ClusterError.unknownPeer(peer)
        }
        throw ClusterError.peerClosed(peer)
    }

    func waitUntil<T>(timeout: Double, _ check: (MeshState) -> T?) -> T? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = check(state) { return value }
            guard condition.wait(until: deadline) else { return check(state) }
        }
    }

    /// Delivers a data frame to the user's handler (network thread).
    func deliver(from peer: ProcessID, payload: ByteBuffer) {
        onFrame(peer, Array(payload.readableBytesView))
    }

    /// Records the first failure, tells every connected peer, closes every connection.
    func fail(_ error: ClusterError) {
        condition.lock()
        guard state.failure == nil, state.phase != .closed, state.phase != .closing else {
            condition.unlock()
            return
        }
        state.failure = error
        let channels = state.channels.filter { !state.unauthenticated.contains($0.key) }.map(\.value)
        let unauthenticated = state.channels.filter { state.unauthenticated.contains($0.key) }.map(\.value)
        condition.broadcast()
        condition.unlock()
        logger.error("cluster failed: \(error)")
        // Only peers that authenticated hear why: an outsider's connection is just closed.
        for channel in unauthenticated { channel.close(promise: nil) }
        let writes = channels.map { channel in
            let write = channel.writeAndFlush(Frame.text(.abort, "\(error)").encoded(allocator: channel.allocator))
            // Half-close: a full close with unread input would send a reset,
            // and a reset can discard the abort before the peer reads it.
            write.whenComplete { _ in channel.close(mode: .output, promise: nil) }
            return write
        }
        condition.lock()
        state.abortWrites += writes
        condition.unlock()
        onFailure?(error)
    }
}
