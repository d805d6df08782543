import Foundation
import NIOCore
import NIOPosix

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
        let deadline = started.addingTimeInterval(options.startupTimeout)
        var nextLog = started
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failure = state.failure { throw failure }
            let missing = configuration.peers.filter { state.links[$0] == nil }
            if missing.isEmpty {
                state.phase = .running
                return
            }
            let now = Date()
            if now >= deadline {
                let lastError = missing.compactMap { state.dials[$0]?.lastError }.first
                throw .peersMissing(
                    missing, addresses: missing.map(configuration.address(of:)),
                    waitedSeconds: options.startupTimeout, lastError: lastError)
            }
            if now >= nextLog, now > started {
                let names = missing.map { "\($0) at \(configuration.address(of: $0))" }.joined(separator: ", ")
                logger.info("waiting for \(names) (up to \(Int(deadline.timeIntervalSince(now).rounded())) s more)")
                nextLog = now.addingTimeInterval(2)
            }
            var wake = min(deadline, nextLog)
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
        let timeout = TimeAmount.nanoseconds(Int64(options.peerTimeout * 1e9))
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
                IdleStateHandler(readTimeout: timeout),
                ByteToMessageHandler(FrameDecoder()),
                PeerChannelHandler(mesh: self, role: role))
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

    /// Checks a peer's hello against this process; claims the peer's id for a listener.
    func check(_ hello: Hello, dialedTo expected: ProcessID?) -> HandshakeMismatch? {
        let own = configuration.processID
        if hello.fingerprint != fingerprint { return .fingerprint(ours: fingerprint, theirs: hello.fingerprint) }
        if hello.processCount != configuration.processCount {
            return .processCount(ours: configuration.processCount, theirs: hello.processCount)
        }
        if hello.addresses != configuration.addressList {
            return .addressList(ours: configuration.addressList, theirs: hello.addresses)
        }
        if configuration.secret != nil, !hello.hasSecret { return .peerHasNoSecret }
        if configuration.secret == nil, hello.hasSecret { return .secretRequiredByPeer }
        if hello.processID == own { return .processIDClash(own) }
        if let expected {
            return hello.processID == expected ? nil : .unexpectedProcess(expected: expected, found: hello.processID)
        }
        guard hello.processID > own, hello.processID.rawValue < configuration.processCount else {
            return .wrongDialer(hello.processID)
        }
        condition.lock()
        defer { condition.unlock() }
        if state.claimed.contains(hello.processID) || state.departed.contains(hello.processID) {
            return .processIDClash(hello.processID)
        }
        state.claimed.insert(hello.processID)
        return nil
    }

    func track(_ channel: any Channel) {
        condition.lock()
        let refused = state.phase == .closed || state.failure != nil
        if !refused { state.channels[ObjectIdentifier(channel)] = channel }
        condition.unlock()
        // Outside the lock: closing on the event loop runs `channelInactive`
        // at once, which takes the lock again (a late connection after
        // teardown used to deadlock the network thread here).
        if refused { channel.close(promise: nil) }
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
