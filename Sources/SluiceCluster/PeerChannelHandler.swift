import NIOCore

/// Runs one connection: the handshake (hello, optional auth, accept), then
/// data, heartbeats, goodbye and abort frames. Lives on the channel's event loop.
final class PeerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    /// Whether this side dialed (and whom it expects) or accepted the connection.
    enum Role {
        case dialer(ProcessID)
        case listener
    }

    private enum Phase { case awaitingHello, awaitingAuth, awaitingAccept, established, finished }

    private let mesh: ClusterMesh
    private let role: Role
    private let nonce = Hello.makeNonce()
    private var phase = Phase.awaitingHello
    private var peer: ProcessID?
    /// True while this connection holds the claim on `peer` (listener side).
    private var claimed = false
    private var remote = "?"
    private var lastError: String?
    private var heartbeat: RepeatedTask?

    init(mesh: ClusterMesh, role: Role) {
        self.mesh = mesh
        self.role = role
        if case .dialer(let expected) = role { peer = expected }
    }

    /// How errors name the other side.
    private var peerName: String {
        switch role {
        case .dialer(let expected): return "\(expected) at \(mesh.configuration.address(of: expected))"
        case .listener: return peer.map { "\($0) (connected from \(remote))" } ?? "a peer connected from \(remote)"
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        remote = context.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        let channel = context.channel
        mesh.track(channel)
        let hello = Hello(
            version: mesh.options.protocolVersion, fingerprint: mesh.fingerprint, processID: mesh.configuration.processID,
            processCount: mesh.configuration.processCount, addresses: mesh.configuration.addressList,
            hasSecret: mesh.configuration.secret != nil, nonce: nonce)
        send(hello.frame, on: channel)
        let interval = TimeAmount.nanoseconds(Int64(mesh.options.heartbeatInterval * 1e9))
        let mesh = self.mesh
        heartbeat = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            if mesh.sendsHeartbeats { channel.writeAndFlush(Frame(.heartbeat).encoded(allocator: channel.allocator), promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch (frame.kind, phase) {
        case (.heartbeat, _):
            break
        case (.hello, .awaitingHello):
            receiveHello(frame, context: context)
        case (.auth, .awaitingAuth):
            receiveAuth(frame, context: context)
        case (.accept, .awaitingAccept):
            phase = .established
            mesh.established(peer!, channel: context.channel)
        case (.data, .established):
            mesh.deliver(from: peer!, payload: frame.payload)
        case (.goodbye, .established):
            phase = .finished
            mesh.peerSaidGoodbye(peer!)
            context.close(promise: nil)
        case (.refuse, .awaitingHello), (.refuse, .awaitingAuth), (.refuse, .awaitingAccept):
            phase = .finished
            mesh.fail(.refusedByPeer(peer: peerName, reason: frame.text))
            context.close(promise: nil)
        case (.abort, .awaitingHello), (.abort, .awaitingAuth), (.abort, .awaitingAccept), (.abort, .established):
            phase = .finished
            mesh.fail(peer.map { .peerAborted($0, reason: frame.text) } ?? .refusedByPeer(peer: peerName, reason: frame.text))
            context.close(promise: nil)
        case (.refuse, _), (.abort, _):
            // Refused or aborted after this side already finished: the reason is known.
            context.close(promise: nil)
        case (let kind, .established):
            phase = .finished
            mesh.fail(.peerLost(peer!, address: mesh.configuration.address(of: peer!), cause: "unexpected \(kind) frame"))
            context.close(promise: nil)
        case (let kind, _):
            refuse(.notASluicePeer("unexpected \(kind) frame during the handshake"), context: context)
        }
    }

    private func receiveHello(_ frame: Frame, context: ChannelHandlerContext) {
        let hello: Hello
        do {
            hello = try Hello(payload: frame.payload, ownVersion: mesh.options.protocolVersion)
        } catch {
            refuse(error, context: context)
            return
        }
        if case .listener = role { peer = hello.processID }
        if let mismatch = mesh.check(hello, dialedTo: { if case .dialer(let id) = role { id } else { nil } }()) {
            refuse(mismatch, context: context)
            return
        }
        if case .listener = role { claimed = true }
        if let secret = mesh.configuration.secret {
            let proof = Hello.proof(secret: secret, sender: mesh.configuration.processID, receiverNonce: hello.nonce)
            send(Frame(.auth, payload: ByteBuffer(bytes: proof)), on: context.channel)
            phase = .awaitingAuth
        } else {
            send(Frame(.accept), on: context.channel)
            phase = .awaitingAccept
        }
    }

    private func receiveAuth(_ frame: Frame, context: ChannelHandlerContext) {
        let proof = Array(frame.payload.readableBytesView)
        guard let secret = mesh.configuration.secret,
            Hello.verify(proof: proof, secret: secret, sender: peer!, receiverNonce: nonce)
        else {
            refuse(.wrongSecret, context: context)
            return
        }
        send(Frame(.accept), on: context.channel)
        phase = .awaitingAccept
    }

    /// Tells the peer why, and fails the mesh, unless the peer never said it
    /// was a Sluice process (a stray connection is only logged).
    private func refuse(_ mismatch: HandshakeMismatch, context: ChannelHandlerContext) {
        phase = .finished
        let channel = context.channel
        channel.writeAndFlush(Frame.text(.refuse, "\(mismatch)").encoded(allocator: channel.allocator))
            .whenComplete { _ in channel.close(promise: nil) }
        if case .notASluicePeer = mismatch, case .listener = role, peer == nil {
            mesh.logger.warning("ignored a connection from \(remote): \(mismatch)")
            return
        }
        mesh.fail(.handshakeRefused(peer: peerName, mismatch: mismatch))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if phase == .established, let peer {
            phase = .finished
            mesh.fail(.peerSilent(peer, address: mesh.configuration.address(of: peer), seconds: mesh.options.peerTimeout))
        } else {
            lastError = "the handshake got no answer for \(mesh.options.peerTimeout) s"
        }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decoding = error as? FrameDecodingError, phase != .established, phase != .finished {
            refuse(.notASluicePeer("\(decoding)"), context: context)
            return
        }
        lastError = "\(error)"
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        heartbeat?.cancel()
        let wasEstablished = phase == .established
        phase = .finished
        mesh.connectionClosed(
            context.channel, peer: peer, dialed: { if case .dialer = role { true } else { false } }(),
            wasEstablished: wasEstablished, releaseClaim: claimed,
            cause: lastError ?? "the connection closed without a goodbye")
        claimed = false
        context.fireChannelInactive()
    }

    private func send(_ frame: Frame, on channel: any Channel) {
        channel.writeAndFlush(frame.encoded(allocator: channel.allocator), promise: nil)
    }
}
