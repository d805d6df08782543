import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 GET over a real TCP connection to 127.0.0.1, with a
/// receive timeout: a server that does not answer fails the test instead
/// of hanging it.
///
/// ```swift
/// let reply = try HTTPProbe(port: 8080).get("/healthz")   // reply.status == 200
/// ```
package struct HTTPProbe {
    /// An answer: status, headers (lowercased names) and body.
    package struct Response {
        /// The status code.
        package let status: Int
        /// The header fields, by lowercased name.
        package let headers: [String: String]
        /// The body as text.
        package let body: String
    }

    /// Why a request failed (refused, timed out, malformed answer).
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The port on 127.0.0.1.
    package let port: Int
    /// Seconds a read may wait before the request counts as hung.
    package var timeout = 10

    /// A probe of `127.0.0.1:port` whose reads wait at most `timeout` seconds.
    package init(port: Int, timeout: Int = 10) {
        self.port = port
        self.timeout = timeout
    }

    /// Connects, sends `bytes` (possibly no complete request) and returns
    /// what the server sent before it closed the connection.
    package func rawExchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let socket = try connected()
        defer { close(socket) }
        if !bytes.isEmpty { _ = send(socket, bytes, bytes.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { return received }
            guard count > 0 else { throw Failure(description: "the server kept the connection open for \(timeout) s") }
            received.append(contentsOf: buffer[0..<count])
        }
    }

    private func connected() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return socket
    }

    /// `GET path` with `Connection: close`.
    /// - Returns: The answer.
    /// - Throws: `Failure` when nothing listens or the answer is late or malformed.
    package func get(_ path: String) throws -> Response {
        let socket = try connected()
        defer { close(socket) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(socket, request, request.count, 0) == request.count else {
            throw Failure(description: "sending the request for \(path) failed: errno \(errno)")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else {
                throw Failure(description: "no complete answer to GET \(path) within \(timeout) s (errno \(errno))")
            }
            received.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no header end in \(text.debugDescription)") }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(headLines[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Polls `path` until `condition` holds for an answer, failing after `seconds`.
    package func waitFor(_ path: String, seconds: Double = 20, _ condition: (Response) -> Bool) throws -> Response {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var last: Response?
        while Date() < deadline {
            let response = try get(path)
            if condition(response) { return response }
            last = response
            Thread.sleep(forTimeInterval: 0.02)  // a poll interval, not a synchronization
        }
        throw Failure(description: "GET \(path) never met the condition in \(seconds) s; last: \(last.map { "\($0.status) \($0.body)" } ?? "none")")
    }
}
