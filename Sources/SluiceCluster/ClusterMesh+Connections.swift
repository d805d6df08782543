import Foundation
import NIOCore
import NIOPosix
import SluiceEngine

extension ClusterMesh {
    /// Binds this process's address.
    func listen() throws(ClusterError) {
        let address = configuration.ownAddress
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in initialize(channel, role: .listener) }
        do {
            let server = try bootstrap.bind(host: address.host, port: address.port).wait()
            condition.lock()
            state.server = server
            condition.unlock()
            logger.info("listening on \(address)")
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .addressInUse(address)
        } catch {
            throw .cannotListen(address, cause: "\(error)")
        }
    }

    /// Dials lower-id peers (retrying with back-off) until every peer passed
    /// the handshake, the mesh failed, or the start-up timeout passed.
    func awaitPeers() throws(ClusterError) {
        let started = Date()
        let deadline = started.addingTimeInterval(options.startupTimeout.seconds)
        var nextLog = started
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failure = state.failure { throw failure }
            // Closed while starting (a signal): no more dials on a network thread that is gone.
            if state.phase == .closing || state.phase == .closed {
                throw .localFailure(reason: "the cluster connection was closed during start-up")
            }
            let missing = configuration.peers.filter { state.links[$0] == nil }
            if missing.isEmpty {
                state.phase = .running
                return
            }
            let now = Date()
            if let stopAt = state.stopWaitingAt, now >= stopAt {
                throw .stoppedDuringStartup(missing: missing)
            }
            if now >= deadline {
                let errors = missing.compactMap { state.dials[$0]?.lastError ?? state.refusals[$0] }
                    + (state.anonymousRefusal.map { [$0] } ?? [])
                let lastError = errors.isEmpty ? nil : errors.joined(separator: "; ")
                throw .peersMissing(
                    missing, addresses: missing.map(configuration.address(of:)),
                    waitedSeconds: options.startupTimeout.seconds, lastError: lastError)
            }
            if now >= nextLog, now > started {
                let names = missing.map { "\($0) at \(configuration.address(of: $0))" }.joined(separator: ", ")
                logger.info("waiting for \(names) (up to \(Int(deadline.timeIntervalSince(now).rounded())) s more)")
                nextLog = now.addingTimeInterval(2)
            }
            var wake = min(deadline, nextLog, state.stopWaitingAt ?? .distantFuture)
            for (peer, dial) in state.dials where state.links[peer] == nil && !dial.inFlight {
                if dial.nextAttempt <= now {
                    state.dials[peer]?.inFlight = true
                    state.dials[peer]?.attempts += 1
                    dialPeer(peer)
                } else {
                    wake = min(wake, dial.nextAttempt)
                }
            }
            _ = condition.wait(until: wake)
        }
    }

    /// Opens one connection attempt to `peer`; the handler takes it from there.
    private func dialPeer(_ peer: ProcessID) {
        let address = configuration.address(of: peer)
        ClientBootstrap(group: group)
            .connectTimeout(.seconds(2))
            .channelInitializer { [self] channel in initialize(channel, role: .dialer(peer)) }
            .connect(host: address.host, port: address.port)
            .whenFailure { [self] error in dialEnded(peer, error: "\(error)") }
    }

    private func initialize(_ channel: any Channel, role: PeerChannelHandler.Role) -> EventLoopFuture<Void> {
        if case .listener = role {
            // Counted (or closed, over the cap) before any handler is built for it.
            let remote = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
            guard track(channel, accepted: true, remote: remote) else { return channel.eventLoop.makeSucceededVoidFuture() }
        }
        let timeout = TimeAmount.nanoseconds(Int64(options.peerTimeout.seconds * 1e9))
        return channel.eventLoop.makeCompletedFuture {
            // Small until the connection is established; the handler raises it.
            let limit = FrameDecoder.Limit(bytes: handshakeFrameLimit)
            try channel.pipeline.syncOperations.addHandlers(
                IdleStateHandler(readTimeout: timeout),
                ByteToMessageHandler(FrameDecoder(limit: limit)),
                PeerChannelHandler(mesh: self, role: role, frameLimit: limit))
        }
    }

    /// A dial attempt failed or its connection closed before the handshake ended: retry later.
    private func dialEnded(_ peer: ProcessID, error: String) {
        condition.lock()
        defer { condition.unlock() }
        guard var dial = state.dials[peer] else { return }
        let backoff = min(1.0, 0.05 * pow(2, Double(min(dial.attempts, 5))))
        dial.inFlight = false
        dial.lastError = error
        dial.nextAttempt = Date(timeIntervalSinceNow: backoff)
        state.dials[peer] = dial
        condition.broadcast()
        if dial.attempts == 1 {
            logger.info("\(peer) at \(configuration.address(of: peer)) not reachable yet (\(error)); retrying")
        }
    }

    /// Checks what a peer must agree on (protocol version and secrets were
    /// checked before): the details, then its id against this process and
    /// against the id the dialer expects at that address.
    /// - Parameters:
    ///   - details: The peer's fingerprint, process count and address list.
    ///   - id: The id the peer claims.
    ///   - expected: On the dialer side, the process that listens at the dialed address.
    /// - Returns: What differs, or nil.
    func check(_ details: HandshakeDetails, id: ProcessID, dialedTo expected: ProcessID?) -> HandshakeMismatch? {
        let own = configuration.processID
        if details.fingerprint != fingerprint { return .fingerprint(ours: fingerprint, theirs: details.fingerprint) }
        if details.processCount != configuration.processCount {
            return .processCount(ours: configuration.processCount, theirs: details.processCount)
        }
        if details.addresses != configuration.addressList {
            return .addressList(ours: configuration.addressList, theirs: details.addresses)
        }
        if id == own { return .processIDClash(own) }
        if let expected { return id == expected ? nil : .unexpectedProcess(expected: expected, found: id) }
        guard id > own, id.rawValue < configuration.processCount else { return .wrongDialer(id) }
        return nil
    }

    /// Checks that a peer's secret setting agrees with this process's, before any proof.
    func checkSecret(of hello: Hello) -> HandshakeMismatch? {
        if configuration.secret != nil, !hello.hasSecret { return .peerHasNoSecret }
        if configuration.secret == nil, hello.hasSecret { return .secretRequiredByPeer }
        if hello.hasSecret, hello.nonce.count != Hello.nonceLength {
            return .notASluicePeer("a nonce of \(hello.nonce.count) bytes")
        }
        return nil
    }

    /// Claims `peer` for an accepted connection that passed the checks: only
    /// one connection per id, and none once the mesh runs.
    /// - Returns: `.clusterRunning` once the mesh runs, `.processIDClash` if
    ///   the id is taken (or its process left), else nil.
    func claim(_ peer: ProcessID) -> HandshakeMismatch? {
        condition.lock()
        defer { condition.unlock() }
        if state.phase != .starting { return .clusterRunning(peer) }
        if state.claimed.contains(peer) || state.departed.contains(peer) { return .processIDClash(peer) }
        state.claimed.insert(peer)
        return nil
    }

    /// Registers a new connection. An accepted one counts as unauthenticated
    /// until `authenticated(_:)`, and is refused (closed, false) when
    /// `maxHandshakingConnections` are already held.
    /// - Returns: False if the connection was closed at once.
    func track(_ channel: any Channel, accepted: Bool, remote: String) -> Bool {
        condition.lock()
        var refused = state.phase == .closed || state.failure != nil
        var atCap = 0
        if !refused, accepted, state.unauthenticated.count >= options.maxHandshakingConnections {
            refused = true
            state.closedAtCap += 1
            atCap = state.closedAtCap
        }
        if !refused {
            state.channels[ObjectIdentifier(channel)] = channel
            if accepted {
                state.unauthenticated.insert(ObjectIdentifier(channel))
                state.unauthenticatedHighWater = max(state.unauthenticatedHighWater, state.unauthenticated.count)
            }
        }
        condition.unlock()
        // Logged for the first and then every 1,000th, so that a flood does not flood the log.
        if atCap % 1000 == 1 {
            let limit = options.maxHandshakingConnections
            logger.warning(
                "closed a connection from \(remote) at once: \(limit) connections are already in their handshake (\(atCap) closed so far for this reason)")
        }
        // Outside the lock: closing on the event loop runs `channelInactive`
        // at once, which takes the lock again (a late connection after
        // teardown used to deadlock the network thread here).
        if refused { channel.close(promise: nil) }
        return !refused
    }

    /// An accepted connection's peer proved the secret (or, without one, the connection is up).
    func authenticated(_ channel: any Channel) {
        condition.lock()
        state.unauthenticated.remove(ObjectIdentifier(channel))
        condition.unlock()
    }

    /// An accepted connection that had not authenticated was refused or
    /// closed: logged, and remembered per claimed id for `peersMissing`.
    /// Never fails the mesh.
    /// - Parameters:
    ///   - claimed: The id its hello claimed, if it got that far.
    ///   - remote: Where it came from.
    ///   - reason: What happened, e.g. "was refused: …".
    ///   - rememberWithoutID: Remember it for `peersMissing` even without a claimed id (another protocol version).
    func dismissed(claiming claimed: ProcessID?, from remote: String, _ reason: String, rememberWithoutID: Bool = false) {
        let text = "a connection " + (claimed.map { "claiming \($0) " } ?? "") + "from \(remote) \(reason)"
        condition.lock()
        // Only ids of this cluster: an outsider claiming arbitrary ids must not grow the table.
        if let claimed, (0..<configuration.processCount).contains(claimed.rawValue) { state.refusals[claimed] = text }
        if claimed == nil, rememberWithoutID { state.anonymousRefusal = text }
        state.dismissals.append(text)
        if state.dismissals.count > 32 { state.dismissals.removeFirst(state.dismissals.count - 32) }
        condition.broadcast()
        condition.unlock()
        logger.warning("\(text)")
    }

    func established(_ peer: ProcessID, channel: any Channel) {
        condition.lock()
        state.links[peer] = PeerLink(peer: peer, channel: channel)
        state.claimed.insert(peer)
        state.dials[peer] = nil
        condition.broadcast()
        condition.unlock()
        logger.info("connected to \(peer) at \(configuration.address(of: peer))")
    }

    func peerSaidGoodbye(_ peer: ProcessID) {
        condition.lock()
        state.departed.insert(peer)
        state.links[peer] = nil
        condition.broadcast()
        condition.unlock()
        logger.info("\(peer) said goodbye")
    }

    /// A connection ended: a failure if it was up and the peer did not say goodbye.
    func connectionClosed(
        _ channel: any Channel, peer: ProcessID?, dialed: Bool, wasEstablished: Bool, releaseClaim: Bool,
        cause: String
    ) {
        condition.lock()
        state.channels[ObjectIdentifier(channel)] = nil
        if state.unauthenticated.remove(ObjectIdentifier(channel)) != nil { condition.broadcast() }
        if releaseClaim, !wasEstablished, let peer { state.claimed.remove(peer) }
        let quiet = state.phase == .closing || state.phase == .closed || state.failure != nil
        condition.unlock()
        if wasEstablished, let peer, !quiet {
            fail(.peerLost(peer, address: configuration.address(of: peer), cause: cause))
        } else if dialed, !wasEstablished, !quiet, let peer {
            dialEnded(peer, error: cause)
        }
    }

    /// Whether connections send heartbeats (tests turn them off to look cut off).
    var sendsHeartbeats: Bool {
        condition.lock()
        defer { condition.unlock() }
        return state.heartbeats
    }

    /// Closes every connection and the listener, then stops the network thread.
    func teardown() {
        condition.lock()
        guard state.phase != .closed else {
            condition.unlock()
            return
        }
        state.phase = .closed
        let channels = Array(state.channels.values) + (state.server.map { [$0] } ?? [])
        let abortWrites = state.abortWrites
        state.links = [:]
        condition.broadcast()
        condition.unlock()
        // The peers must hear why this process failed before the connections
        // close: let the abort writes finish, and give each peer a moment to
        // read them and close its side.
        if !abortWrites.isEmpty {
            // Bounded: to a peer that is cut off, the write never completes.
            Self.waitForAll(abortWrites, seconds: 1)
            Self.waitForAll(channels.map(\.closeFuture), seconds: 1)
        }
        for channel in channels { _ = try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// Tests: how many accepted connections have not authenticated, now and at most ever.
    package var unauthenticatedConnections: (now: Int, highWater: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (state.unauthenticated.count, state.unauthenticatedHighWater)
    }

    /// Tests: waits up to `timeout` seconds until at most `count` accepted connections have not authenticated.
    /// - Returns: True if that happened in time.
    package func waitForUnauthenticatedConnections(atMost count: Int, timeout: Double) -> Bool {
        waitUntil(timeout: timeout) { $0.unauthenticated.count <= count ? true : nil } ?? false
    }

    /// Tests: how many connections were closed at accept because of `maxHandshakingConnections`.
    package var connectionsClosedAtCap: Int {
        condition.lock()
        defer { condition.unlock() }
        return state.closedAtCap
    }

    /// Tests: why the last (up to 32) unauthenticated connections were closed, oldest first.
    package var dismissals: [String] {
        condition.lock()
        defer { condition.unlock() }
        return state.dismissals
    }

    /// Tests: waits until `predicate` holds for the dismissals, at most `timeout` seconds.
    /// - Returns: The dismissals once it holds, or nil.
    package func waitForDismissals(timeout: Double, where predicate: ([String]) -> Bool) -> [String]? {
        waitUntil(timeout: timeout) { predicate($0.dismissals) ? $0.dismissals : nil }
    }

    /// Tests: stop sending heartbeats, as a process that hangs or is cut off.
    package func stopHeartbeatsForTesting() {
        condition.lock()
        state.heartbeats = false
        condition.unlock()
    }

    /// Tests: drop every connection without a goodbye, as a killed process would.
    package func dropConnectionsForTesting() { teardown() }
}

extension ClusterMesh {
    /// Waits until every future completed (successfully or not), at most
    /// `seconds`: for writes to, and closes by, peers that may be gone.
    static func waitForAll(_ futures: [EventLoopFuture<Void>], seconds: Double) {
        let done = DispatchGroup()
        for future in futures {
            done.enter()
            future.whenComplete { _ in done.leave() }
        }
        _ = done.wait(timeout: .now() + seconds)
    }
}
