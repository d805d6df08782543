import Foundation
import NIOCore

/// The mutable state of a `ClusterMesh`, kept under its lock.
struct MeshState {
    enum Phase { case idle, starting, running, closing, closed }

    /// A lower-id peer this process dials, while it is not yet connected.
    struct Dial {
        var inFlight = false
        var nextAttempt = Date.distantPast
        var attempts = 0
        var lastError: String?
    }

    var phase = Phase.idle
    var failure: ClusterError?
    var links: [ProcessID: PeerLink] = [:]
    /// Peers whose connection is in its handshake or established (refuses a second one).
    var claimed: Set<ProcessID> = []
    var departed: Set<ProcessID> = []
    var dials: [ProcessID: Dial] = [:]
    /// Every open connection, to close them all.
    var channels: [ObjectIdentifier: any Channel] = [:]
    var server: (any Channel)?
    /// Accepted connections that have not authenticated: the peer has not
    /// proved the secret (or, without one, the connection is not established).
    var unauthenticated: Set<ObjectIdentifier> = []
    /// The most connections `unauthenticated` ever held at once (for tests).
    var unauthenticatedHighWater = 0
    /// Connections closed because `maxHandshakingConnections` were already held.
    var closedAtCap = 0
    /// The latest refusal of an accepted connection, per process id it claimed;
    /// named in `peersMissing` if that process never connects.
    var refusals: [ProcessID: String] = [:]
    /// The latest refusal of a connection whose id is unknown but that is a
    /// Sluice process (it spoke another protocol version).
    var anonymousRefusal: String?
    /// Why recent accepted connections were closed before authenticating (the last 32).
    var dismissals: [String] = []
    var heartbeats = true
    /// Set when a stop came during start-up: stop waiting for peers then.
    var stopWaitingAt: Date?
    /// The writes of the abort message to each peer after a failure;
    /// `teardown` lets them finish before it closes the connections.
    var abortWrites: [EventLoopFuture<Void>] = []
}
