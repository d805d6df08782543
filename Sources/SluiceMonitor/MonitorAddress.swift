import Foundation

/// Where the monitoring endpoint listens: `HOST:PORT` (`[::1]:9090` for an
/// IPv6 literal); port 0 picks a free port.
///
/// ```swift
/// let address = try MonitorAddress(parsing: "0.0.0.0:9090")
/// print(address.host, address.port)   // 0.0.0.0 9090
/// ```
public struct MonitorAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address to bind.
    public let host: String
    /// The TCP port (0: any free port).
    public let port: Int

    /// Parses `HOST:PORT`.
    /// - Parameter text: The address as given (flag or `SLUICE_METRICS_ADDRESS`).
    /// - Throws: `MonitorError.malformedAddress` naming it and the problem.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw MonitorError.malformedAddress(text, reason: "no ':' before a port")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw MonitorError.malformedAddress(text, reason: "the host is empty") }
        guard !host.contains(where: { $0 == " " || $0 == "/" }) else {
            throw MonitorError.malformedAddress(text, reason: "'\(host)' is not a host name or address")
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw MonitorError.malformedAddress(text, reason: "the port '\(portText)' is not a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    /// Creates an address from its parts.
    /// - Parameters:
    ///   - host: The host name or address to bind.
    ///   - port: The TCP port (0: any free port).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` (`[host]:port` for IPv6).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
