import Foundation

/// A process's `host:port` listening address in the cluster.
///
/// ```swift
/// let address = try PeerAddress(parsing: "127.0.0.1:7101")
/// print(address.host, address.port)   // 127.0.0.1 7101
/// ```
public struct PeerAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A host name or IP address (IPv6 in brackets when parsed: `[::1]:7101`).
    public let host: String
    /// The TCP port, 1...65535.
    public let port: Int

    /// Creates an address from its parts.
    /// - Parameters:
    ///   - host: A host name or IP address, without brackets.
    ///   - port: The TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (or `[v6-address]:port`).
    /// - Parameter text: The address as written in `-a/--addresses`.
    /// - Throws: `ClusterError.malformedAddress` naming the text and what is wrong.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw ClusterError.malformedAddress(trimmed, reason: "expected host:port")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ClusterError.malformedAddress(trimmed, reason: "write an IPv6 address in brackets, e.g. [::1]:7101")
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else {
            throw ClusterError.malformedAddress(trimmed, reason: "the host is empty or invalid")
        }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw ClusterError.malformedAddress(trimmed, reason: "the port must be a number from 1 to 65535")
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
