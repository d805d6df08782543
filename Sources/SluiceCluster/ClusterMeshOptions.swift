/// Timeouts and limits of a `ClusterMesh`; the defaults suit production.
///
/// ```swift
/// var options = ClusterMeshOptions()
/// options.startupTimeout = .seconds(60)   // wait up to a minute for slow pods
/// ```
public struct ClusterMeshOptions: Sendable {
    /// How long start-up waits for every peer (default 30 s).
    public var startupTimeout: Duration = .seconds(30)
    /// How often an idle connection sends a heartbeat (default 1 s).
    public var heartbeatInterval: Duration = .seconds(1)
    /// After how long without any frame a peer counts as lost (default 5 s;
    /// fail-fast promises under 10).
    public var peerTimeout: Duration = .seconds(5)
    /// The most bytes that may wait to be written to one peer; a send beyond
    /// it throws `ClusterError.sendBufferFull` (default 64 MiB).
    public var maxPendingBytesPerPeer: Int = 64 << 20
    /// How long an accepted or dialed connection may take to complete the
    /// handshake; it is closed after that (default 5 s).
    public var handshakeTimeout: Duration = .seconds(5)
    /// The most accepted connections that may be in their handshake at once;
    /// more are closed as they are accepted (default 64). With the handshake
    /// frame limit this bounds what outsiders can make this process hold.
    public var maxHandshakingConnections: Int = 64

    /// The wire protocol version this process speaks (tests change it).
    package var protocolVersion = Hello.protocolVersion

    /// Creates the default options.
    public init() {}
}
