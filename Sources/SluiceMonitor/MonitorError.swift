/// Why the monitoring endpoint cannot start.
///
/// ```swift
/// do { try MonitoringServer(address: "localhost:99999").start() }
/// catch let error as MonitorError { print(error) }   // the metrics address 'localhost:99999' is malformed: …
/// ```
public enum MonitorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address is not `HOST:PORT` with a port from 0 to 65535.
    case malformedAddress(String, reason: String)
    /// The address could not be bound (in use, not an address of this host, no permission).
    case cannotListen(String, reason: String)
    /// `--print-graph` got a format other than `mermaid` or `dot`.
    case unknownGraphFormat(String)

    /// A message naming the address and the cause.
    public var description: String {
        switch self {
        case .malformedAddress(let address, let reason):
            return "the metrics address '\(address)' is malformed: \(reason) (expected HOST:PORT, e.g. 0.0.0.0:9090)"
        case .cannotListen(let address, let reason):
            return "cannot serve metrics on '\(address)': \(reason)"
        case .unknownGraphFormat(let format):
            return "unknown graph format '\(format)': use mermaid or dot"
        }
    }
}
