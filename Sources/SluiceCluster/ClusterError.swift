/// Why a cluster configuration is refused or the mesh between processes
/// failed. Every case names the address, the peer process and the cause.
///
/// ```swift
/// do {
///     _ = try ClusterConfiguration.parseAddresses("127.0.0.1")
/// } catch let error as ClusterError {
///     print(error)   // malformed address '127.0.0.1': expected host:port
/// }
/// ```
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address list is empty.
    case noAddresses
    /// An address is not `host:port`.
    case malformedAddress(String, reason: String)
    /// The same address appears twice in the list.
    case duplicateAddress(PeerAddress, first: ProcessID, second: ProcessID)
    /// The process id is not an index into the address list.
    case processIDOutOfRange(Int, processCount: Int)
    /// The process id is not a number (nor `hostname`).
    case malformedProcessID(String)
    /// Several addresses but no process id.
    case missingProcessID(processCount: Int)
    /// A process id but no addresses.
    case processIDWithoutAddresses
    /// The pod-ordinal form was asked for, but the host name does not end in `-N`.
    case noHostnameOrdinal(hostname: String?)
    /// Another program already listens on this process's address.
    case addressInUse(PeerAddress)
    /// Listening on this process's address failed for another reason.
    case cannotListen(PeerAddress, cause: String)
    /// Peers did not connect (or could not be reached) within the start-up timeout.
    case peersMissing([ProcessID], addresses: [PeerAddress], waitedSeconds: Double, lastError: String?)
    /// This process refused a peer during the handshake.
    case handshakeRefused(peer: String, mismatch: HandshakeMismatch)
    /// The peer refused this process during the handshake and said why.
    case refusedByPeer(peer: String, reason: String)
    /// A connected peer went away without saying goodbye.
    case peerLost(ProcessID, address: PeerAddress, cause: String)
    /// A connected peer sent nothing, not even a heartbeat, for too long.
    case peerSilent(ProcessID, address: PeerAddress, seconds: Double)
    /// A peer stopped because of a failure of its own and told us.
    case peerAborted(ProcessID, reason: String)
    /// A send would take the bytes queued for a peer over the limit; nothing was queued.
    case sendBufferFull(ProcessID, pendingBytes: Int, limit: Int)
    /// A frame is larger than the protocol allows.
    case frameTooLarge(size: Int, limit: Int)
    /// The peer is not part of this cluster, or this process itself.
    case unknownPeer(ProcessID)
    /// The peer said goodbye or the mesh was shut down: nothing can be sent to it.
    case peerClosed(ProcessID)
    /// This process stopped because of a failure of its own (told to the peers).
    case localFailure(reason: String)
    /// A stop came while this process waited for its peers, and these did
    /// not connect within the grace it gave them (`ClusterMesh.stopStarting(within:)`).
    case stoppedDuringStartup(missing: [ProcessID])
    /// `SLUICE_CLUSTER_SECRET` is set but empty or blank (a secret that did
    /// not mount): refused rather than running without authentication.
    case blankSecret

    public var description: String {
        switch self {
        case .blankSecret:
            return "\(ClusterConfiguration.secretVariable) is set but empty or blank: give the secret, "
                + "or unset the variable to run without one"
        case .noAddresses:
            return "the cluster address list is empty"
        case let .malformedAddress(text, reason):
            return "malformed address '\(text)': \(reason)"
        case let .duplicateAddress(address, first, second):
            return "address \(address) is listed twice (for \(first) and \(second), compared after resolving "
                + "host names); each process needs its own"
        case let .processIDOutOfRange(id, count):
            return "process id \(id) is out of range: the address list has \(count) entries, so ids are 0...\(count - 1)"
        case let .malformedProcessID(text):
            return "process id '\(text)' is not a number (or 'hostname' to take it from the host name's -N suffix)"
        case let .missingProcessID(count):
            return "the address list has \(count) entries but no process id was given (-i/--process-id or SLUICE_PROCESS_ID)"
        case .processIDWithoutAddresses:
            return "a process id was given without addresses (-a/--addresses or SLUICE_ADDRESSES)"
        case let .noHostnameOrdinal(hostname):
            return "the process id should come from the host name, but "
                + (hostname.map { "'\($0)' does not end in -N" } ?? "no host name is known (set HOSTNAME)")
        case let .addressInUse(address):
            return "cannot listen on \(address): the address is already in use"
        case let .cannotListen(address, cause):
            return "cannot listen on \(address): \(cause)"
        case let .peersMissing(ids, addresses, waited, lastError):
            let names = zip(ids, addresses).map { "\($0) at \($1)" }.joined(separator: ", ")
            return "\(names) did not connect within \(waited) s" + (lastError.map { " (last error: \($0))" } ?? "")
        case let .handshakeRefused(peer, mismatch):
            return "refused \(peer): \(mismatch)"
        case let .refusedByPeer(peer, reason):
            return "\(peer) refused this process: \(reason)"
        case let .peerLost(id, address, cause):
            return "lost \(id) at \(address): \(cause)"
        case let .peerSilent(id, address, seconds):
            return "lost \(id) at \(address): nothing received for \(seconds) s (cut off or hung)"
        case let .peerAborted(id, reason):
            return "\(id) stopped: \(reason)"
        case let .sendBufferFull(id, pending, limit):
            return "the send buffer to \(id) is full (\(pending) bytes pending, limit \(limit)); wait until it drains"
        case let .frameTooLarge(size, limit):
            return "a frame of \(size) bytes is larger than the limit of \(limit) bytes"
        case let .unknownPeer(id):
            return "\(id) is not a peer of this process"
        case let .peerClosed(id):
            return "the connection to \(id) is closed"
        case let .localFailure(reason):
            return reason
        case let .stoppedDuringStartup(missing):
            return "stopped while waiting for \(missing.map(\.description).joined(separator: ", ")) to connect"
        }
    }
}
