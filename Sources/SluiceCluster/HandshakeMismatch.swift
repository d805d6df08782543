/// What differs between two processes that refuse to connect.
///
/// ```swift
/// let mismatch = HandshakeMismatch.processCount(ours: 3, theirs: 2)
/// print(mismatch)   // the process count differs: 3 here, 2 there
/// ```
public enum HandshakeMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The wire protocol version differs (different Sluice versions).
    case protocolVersion(ours: Int, theirs: Int)
    /// The dataflow fingerprint differs (a different dataflow or build).
    case fingerprint(ours: String, theirs: String)
    /// The process count (length of the address list) differs.
    case processCount(ours: Int, theirs: Int)
    /// The address lists differ (same length, other entries or order).
    case addressList(ours: String, theirs: String)
    /// Two processes claim the same id.
    case processIDClash(ProcessID)
    /// The process listening at an address has another id than the list says.
    case unexpectedProcess(expected: ProcessID, found: ProcessID)
    /// A process with a higher id than ours dialed in, or one out of range.
    case wrongDialer(ProcessID)
    /// This process has a secret and the peer has none.
    case peerHasNoSecret
    /// The peer has a secret and this process has none.
    case secretRequiredByPeer
    /// The peer's proof does not match: it knows another secret.
    case wrongSecret
    /// The peer sent something that is not a Sluice handshake.
    case notASluicePeer(String)
    /// A process dialed in after the cluster had started (there is no rejoin).
    case clusterRunning(ProcessID)

    public var description: String {
        switch self {
        case let .protocolVersion(ours, theirs):
            return "the protocol version differs: \(ours) here, \(theirs) there (run the same Sluice version everywhere)"
        case let .addressList(ours, theirs):
            return "the address lists differ: '\(ours)' here, '\(theirs)' there (give every process the same -a list)"
        case let .fingerprint(ours, theirs):
            return "the dataflow fingerprint differs: '\(Self.clip(ours))' here, '\(Self.clip(theirs))' there "
                + "(run the same dataflow and build everywhere)"
        case let .processCount(ours, theirs):
            return "the process count differs: \(ours) here, \(theirs) there (give every process the same address list)"
        case let .processIDClash(id):
            return "two processes claim to be \(id) (give each process its own id)"
        case let .unexpectedProcess(expected, found):
            return "expected \(expected) at this address but \(found) answered (check the address list's order)"
        case let .wrongDialer(id):
            return "\(id) dialed in, but only processes with a higher id dial this one"
        case .peerHasNoSecret:
            return "this process has a cluster secret and the peer has none (set SLUICE_CLUSTER_SECRET everywhere)"
        case .secretRequiredByPeer:
            return "the peer has a cluster secret and this process has none (set SLUICE_CLUSTER_SECRET everywhere)"
        case .wrongSecret:
            return "the peer does not know the cluster secret"
        case let .clusterRunning(id):
            return "\(id) dialed in, but the cluster already runs (a process cannot rejoin: restart the whole cluster)"
        case let .notASluicePeer(detail):
            return "the peer does not speak the Sluice cluster protocol (\(detail))"
        }
    }

    private static func clip(_ text: String) -> String { text.count > 80 ? text.prefix(77) + "..." : text }
}
