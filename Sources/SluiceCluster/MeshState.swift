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
    var heartbeats = true
    /// The writes of the abort message to each peer after a failure;
    /// `teardown` lets them finish before it closes the connections.
    var abortWrites: [EventLoopFuture<Void>] = []
}
