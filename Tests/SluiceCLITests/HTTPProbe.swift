import ChildProcessSupport
import Foundation

/// A minimal HTTP/1.1 GET over a plain blocking socket on 127.0.0.1, for
/// checking a child process's health endpoint without URLSession.
///
/// ```swift
/// let reply = HTTPProbe.get("/healthz", port: 8080)   // (200, "ok"), or nil when nothing listens
/// ```
enum HTTPProbe {
    /// The status and body of `GET path`, or nil if the connection is
    /// refused or closes without a status line; every step is bounded by 5 s.
    static func get(_ path: String, port: Int) -> (status: Int, body: String)? {
        guard let connection = try? LoopbackConnection(port: port) else { return nil }
        guard connection.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)) else {
            return nil
        }
        let text = String(decoding: connection.read(timeout: 5).bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts[0].split(separator: "\r\n").first ?? ""
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else { return nil }
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
