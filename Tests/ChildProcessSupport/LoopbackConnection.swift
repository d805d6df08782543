import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection to a port on 127.0.0.1, for tests that
/// talk to a child process (an HTTP probe, an attacker on a cluster port).
/// Sends and receives are bounded by 5 s each, so a silent peer cannot hang
/// a test.
///
/// ```swift
/// guard let connection = LoopbackConnection(port: 8080) else { return }   // nil: nothing listens
/// connection.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
/// let reply = connection.readUntilClosed()
/// ```
public final class LoopbackConnection {
    private let handle: Int32

    /// Connects once; nil when nothing listens on `port` (or no socket could be made).
    public init?(port: Int) {
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard handle >= 0 else { return nil }
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(handle, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(handle, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(handle)
            return nil
        }
        self.handle = handle
    }

    /// Connects to `port`, retrying while nothing listens yet, for up to
    /// `seconds`; nil if it never could.
    public static func connect(port: Int, within seconds: Double) -> LoopbackConnection? {
        let giveUp = Date(timeIntervalSinceNow: seconds)
        while true {
            if let connection = LoopbackConnection(port: port) { return connection }
            guard Date() < giveUp else { return nil }
            Thread.sleep(forTimeInterval: 0.05)  // polling for the port to open, not synchronizing
        }
    }

    deinit { close(handle) }

    /// Sends what the other side takes; true if every byte went out (the
    /// other side may close midway, which an attack test expects).
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

    /// Everything received until the other side closes (or a receive waits
    /// longer than 5 s).
    public func readUntilClosed() -> [UInt8] {
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(handle, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return reply }
            reply += buffer[..<count]
        }
    }

    /// Reads and discards until the other side closes, at most `timeout`
    /// seconds; true if it closed.
    public func awaitClose(timeout: Double) -> Bool {
        let giveUp = Date(timeIntervalSinceNow: timeout)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = giveUp.timeIntervalSinceNow
            guard left > 0 else { return false }
            var poller = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            if chunk.withUnsafeMutableBytes({ recv(handle, $0.baseAddress, $0.count, 0) }) <= 0 { return true }
        }
    }
}
