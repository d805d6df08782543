import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection on the loopback interface, for tests that
/// talk to a server as an outsider would (an HTTP probe, an attacker on a
/// cluster port). Every send and wait is bounded, so a silent peer cannot
/// hang a test.
///
/// ```swift
/// guard let connection = try? LoopbackConnection(port: 8080) else { return }   // nothing listens
/// connection.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
/// let (reply, closed) = connection.read(timeout: 5)
/// ```
public final class LoopbackConnection {
    /// The socket's file descriptor, for tests that read in their own way.
    public let handle: Int32

    /// Connects to `host:port` (an IPv4 address), sends and receives bounded
    /// by `timeout` seconds each.
    /// - Throws: `LoopbackConnectionError` naming the socket call that failed.
    public init(host: String = "127.0.0.1", port: Int, timeout: Double = 5) throws {
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard handle >= 0 else { throw LoopbackConnectionError(call: "socket", code: errno) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(handle, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(handle, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        target.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            close(handle)
            throw LoopbackConnectionError(call: "connect", code: code)
        }
        self.handle = handle
    }

    /// Accepts one connection on a listening socket, waiting up to `timeout`
    /// seconds; nil if none came in time.
    public convenience init?(accepting listener: Int32, timeout: Double) {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        let handle = accept(listener, nil, nil)
        guard handle >= 0 else { return nil }
        self.init(handle: handle)
    }

    private init(handle: Int32) { self.handle = handle }

    /// Connects to `port` on 127.0.0.1, retrying while nothing listens yet,
    /// for up to `seconds`; nil if it never could.
    public static func connect(port: Int, within seconds: Double) -> LoopbackConnection? {
        let giveUp = Date(timeIntervalSinceNow: seconds)
        while true {
            if let connection = try? LoopbackConnection(port: port) { return connection }
            guard Date() < giveUp else { return nil }
            Thread.sleep(forTimeInterval: 0.05)  // polling for the port to open, not synchronizing
        }
    }

    deinit { close(handle) }

    /// Sends every byte; false if the other side closed first (which an
    /// attack test may expect) or a send timed out.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(handle, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Reads until `predicate` holds for everything read so far, the other
    /// side closes, or `timeout` passes.
    /// - Returns: The bytes read, and whether the other side closed.
    public func read(timeout: Double, until predicate: ([UInt8]) -> Bool = { _ in false }) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !predicate(received) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return (received, false) }
            var poller = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0, errno != EINTR { return (received, true) }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(handle, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (received, true) }  // closed, or reset
            received += chunk[0..<count]
        }
        return (received, false)
    }

    /// Waits up to `timeout` seconds for the other side to close, discarding
    /// what it sends; true if it closed.
    public func awaitClose(timeout: Double) -> Bool { read(timeout: timeout).closed }
}

/// A socket call of `LoopbackConnection` failed.
public struct LoopbackConnectionError: Error, CustomStringConvertible {
    /// The call that failed (`socket`, `connect`).
    public let call: String
    /// Its `errno`.
    public let code: Int32
    public var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}
