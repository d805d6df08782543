import NIOCore
import SluiceEngine

/// Runs one connection: the handshake (hello; with a secret auth and
/// details; accept), then data, heartbeats, goodbye and abort frames. Lives
/// on the channel's event loop.
///
/// Trust: the dialer dialed an address from its own list, so whatever that
/// address answers may fail its mesh at once. The listener accepts anyone:
/// until the peer proved the secret (or, without one, until the connection
/// is established) nothing the peer sends can fail the mesh; a bad, early or
/// forged frame closes that connection only, with a warning.
final class PeerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    /// Whether this side dialed (and whom it expects) or accepted the connection.
    enum Role {
        case dialer(ProcessID)
        case listener
    }

    private enum Phase { case awaitingHello, awaitingAuth, awaitingDetails, awaitingAccept, established, finished }

    private let mesh: ClusterMesh
    private let role: Role
    private let frameLimit: FrameDecoder.Limit
    private let nonce = Hello.makeNonce()
    private var peerNonce: [UInt8] = []
    private var phase = Phase.awaitingHello
    /// The dialer's expected process, or the id the peer's hello claimed.
    private var peer: ProcessID?
    /// The id the peer's hello claimed (the dialer checks it against `peer`).
    private var claimedID: ProcessID?
    /// True while this connection holds the claim on `peer` (listener side).
    private var claimed = false
    /// Whether what the peer sends may fail the mesh (see the type's comment).
    private var trusted: Bool
    private var remote = "?"
    private var lastError: String?
    private var heartbeat: RepeatedTask?
    private var deadline: Scheduled<Void>?
    /// The peer's metrics once established (nil without a metrics backend).
    private var metrics: PeerMetrics?

    init(mesh: ClusterMesh, role: Role, frameLimit: FrameDecoder.Limit) {
        self.mesh = mesh
        self.role = role
        self.frameLimit = frameLimit
        switch role {
        case .dialer(let expected):
            peer = expected
            trusted = true
        case .listener:
            trusted = false
        }
    }

    private var isDialer: Bool { if case .dialer = role { true } else { false } }

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
        // An accepted connection was tracked (and counted) when it was initialized.
        if isDialer {
            phase = .finished
            guard mesh.track(channel, accepted: false, remote: remote) else { return }
            phase = .awaitingHello
        }
        let secret = mesh.configuration.secret
        let hello = Hello(
            version: mesh.options.protocolVersion, processID: mesh.configuration.processID, hasSecret: secret != nil,
            nonce: nonce, details: secret == nil ? mesh.ownDetails : nil)
        send(hello.frame, on: channel)
        let interval = TimeAmount.nanoseconds(Int64(mesh.options.heartbeatInterval.seconds * 1e9))
        let mesh = self.mesh
        heartbeat = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            if mesh.sendsHeartbeats { channel.writeAndFlush(HeartbeatProbe.pingFrame().encoded(allocator: channel.allocator), promise: nil) }
        }
        let timeout = mesh.options.handshakeTimeout.seconds
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) { [self] in
            handshakeExpired(after: timeout, channel: channel)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch (frame.kind, phase) {
        case (.heartbeat, .established):
            // Answer pings (round-trip metrics), only on an established
            // connection and only while this side sends heartbeats at all
            // (a mesh told to fall silent must look silent).
            switch HeartbeatProbe.parse(frame) {
            case .ping(let sent)?:
                if mesh.sendsHeartbeats { send(HeartbeatProbe.pongFrame(sent), on: context.channel) }
            case .pong(let sent)?: metrics?.roundTrip(nanoseconds: MonotonicNanos.now() &- sent)
            case nil: break
            }
        case (.heartbeat, _):
            break
        case (.hello, .awaitingHello):
            receiveHello(frame, context: context)
        case (.auth, .awaitingAuth):
            receiveAuth(frame, context: context)
        case (.details, .awaitingDetails):
            receiveDetails(frame, context: context)
        case (.accept, .awaitingAccept):
            phase = .established
            trusted = true
            deadline?.cancel()
            frameLimit.bytes = Frame.maxLength
            mesh.authenticated(context.channel)
            mesh.established(peer!, channel: context.channel)
            metrics = PeerMetrics(peer: peer!)
        case (.data, .established):
            metrics?.received(frame.payload.readableBytes + 5)
            mesh.deliver(from: peer!, payload: frame.payload)
        case (.goodbye, .established):
            phase = .finished
            mesh.peerSaidGoodbye(peer!)
            context.close(promise: nil)
        case (.abort, .established):
            phase = .finished
            mesh.fail(.peerAborted(peer!, reason: frame.text))
            context.close(promise: nil)
        case (.refuse, .finished), (.abort, .finished), (.refuse, .established):
            // Refused or aborted after this side already finished (the reason
            // is known), or a refuse on an established connection: closing
            // reports the peer as lost.
            context.close(promise: nil)
        case (.refuse, _), (.abort, _):
            phase = .finished
            if trusted {
                let refused = ClusterError.refusedByPeer(peer: peerName, reason: frame.text)
                mesh.fail(frame.kind == .abort ? peer.map { .peerAborted($0, reason: frame.text) } ?? refused : refused)
            } else {
                mesh.dismissed(claiming: peer, from: remote, "sent \(frame.kind) during the handshake: '\(Self.clip(frame.text))'")
            }
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
        claimedID = hello.processID
        peerNonce = hello.nonce
        if !isDialer { peer = hello.processID }
        if let mismatch = mesh.checkSecret(of: hello) {
            refuse(mismatch, context: context)
            return
        }
        if let secret = mesh.configuration.secret {
            // Only the proof: the details wait until the peer proved the secret too.
            let proof = HandshakeProof.make(
                secret: secret, sender: mesh.configuration.processID, senderIsDialer: isDialer, senderNonce: nonce,
                receiverNonce: peerNonce)
            send(Frame(.auth, payload: ByteBuffer(bytes: proof)), on: context.channel)
            phase = .awaitingAuth
            return
        }
        guard let details = hello.details else {
            refuse(.notASluicePeer("a hello without details"), context: context)
            return
        }
        guard accept(details, context: context) else { return }
        // Without a secret a matching hello is all there is to prove; the
        // listener still trusts the peer only once the connection is up.
        if !isDialer { mesh.authenticated(context.channel) }
    }

    private func receiveAuth(_ frame: Frame, context: ChannelHandlerContext) {
        let proof = Array(frame.payload.readableBytesView)
        guard let secret = mesh.configuration.secret, let claimedID,
            HandshakeProof.verify(
                proof, secret: secret, sender: claimedID, senderIsDialer: !isDialer, senderNonce: peerNonce,
                receiverNonce: nonce)
        else {
            refuse(.wrongSecret, context: context)
            return
        }
        // The peer proved the secret: from here on a mismatch is a real
        // configuration error, and the details may be told.
        trusted = true
        mesh.authenticated(context.channel)
        send(mesh.ownDetails.frame, on: context.channel)
        phase = .awaitingDetails
    }

    private func receiveDetails(_ frame: Frame, context: ChannelHandlerContext) {
        do {
            _ = accept(try HandshakeDetails(payload: frame.payload), context: context)
        } catch {
            refuse(error, context: context)
        }
    }

    /// Checks the peer's details and id, claims the id (listener), and sends `accept`.
    /// - Returns: False if the peer was refused.
    private func accept(_ details: HandshakeDetails, context: ChannelHandlerContext) -> Bool {
        let expected: ProcessID? = if case .dialer(let id) = role { id } else { nil }
        if let mismatch = mesh.check(details, id: claimedID!, dialedTo: expected) {
            refuse(mismatch, context: context)
            return false
        }
        if !isDialer {
            if let clash = mesh.claim(claimedID!) {
                // Another connection holds the id, or the mesh already runs:
                // close this one, never fail the mesh for it.
                refuse(clash, context: context, failing: false)
                return false
            }
            claimed = true
        }
        send(Frame(.accept), on: context.channel)
        phase = .awaitingAccept
        return true
    }

    /// Tells the peer why and closes the connection. Fails the mesh if the
    /// peer is trusted (see the type's comment); otherwise logs it and
    /// remembers it for the start-up error.
    private func refuse(_ mismatch: HandshakeMismatch, context: ChannelHandlerContext, failing: Bool? = nil) {
        phase = .finished
        let channel = context.channel
        channel.writeAndFlush(Frame.text(.refuse, "\(mismatch)").encoded(allocator: channel.allocator))
            .whenComplete { _ in channel.close(promise: nil) }
        if failing ?? trusted {
            mesh.fail(.handshakeRefused(peer: peerName, mismatch: mismatch))
        } else {
            // A hello of another version says nothing more, but it came from a Sluice process: remember it too.
            let otherVersion = if case .protocolVersion = mismatch { true } else { false }
            mesh.dismissed(claiming: peer, from: remote, "was refused: \(mismatch)", rememberWithoutID: otherVersion)
        }
    }

    private func handshakeExpired(after seconds: Double, channel: any Channel) {
        guard phase != .established, phase != .finished else { return }
        phase = .finished
        lastError = "the handshake did not complete within \(seconds) s"
        if !isDialer { mesh.dismissed(claiming: peer, from: remote, "was closed: \(lastError!)") }
        channel.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if phase == .established, let peer {
            phase = .finished
            mesh.fail(.peerSilent(peer, address: mesh.configuration.address(of: peer), seconds: mesh.options.peerTimeout.seconds))
        } else if phase != .finished {
            phase = .finished
            lastError = "the handshake got no answer for \(mesh.options.peerTimeout.seconds) s"
            if !isDialer { mesh.dismissed(claiming: peer, from: remote, "was closed: \(lastError!)") }
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
        deadline?.cancel()
        let wasEstablished = phase == .established
        if phase != .finished, !wasEstablished, !isDialer {
            mesh.dismissed(claiming: peer, from: remote, "closed during the handshake")
        }
        phase = .finished
        mesh.connectionClosed(
            context.channel, peer: peer, dialed: isDialer, wasEstablished: wasEstablished, releaseClaim: claimed,
            cause: lastError ?? "the connection closed without a goodbye")
        claimed = false
        context.fireChannelInactive()
    }

    private func send(_ frame: Frame, on channel: any Channel) {
        channel.writeAndFlush(frame.encoded(allocator: channel.allocator), promise: nil)
    }

    /// A peer's text, shortened for a log line.
    private static func clip(_ text: String) -> String { text.count > 200 ? text.prefix(197) + "..." : text }
}
