import Foundation
import SluiceCluster

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP client socket on 127.0.0.1 for attack tests: sends whatever
/// bytes it is given and watches for the other side to close. Every wait is bounded.
final class RawConnection {
    let handle: Int32

    /// Connects to `address` (an IPv4 loopback address), giving up after `timeout` seconds.
    init(to address: PeerAddress, timeout: Double = 5) throws {
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard handle >= 0 else { throw RawConnectionError(call: "socket", code: errno) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(handle, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(address.port).bigEndian
        target.sin_addr.s_addr = inet_addr(address.host)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            Glibc.close(handle)
            throw RawConnectionError(call: "connect", code: code)
        }
        self.handle = handle
    }

    /// Accepts one connection on a listening socket, waiting up to `timeout` seconds.
    /// - Returns: The connection, or nil if none came in time.
    convenience init?(accepting listener: Int32, timeout: Double) {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        let handle = accept(listener, nil, nil)
        guard handle >= 0 else { return nil }
        self.init(handle: handle)
    }

    private init(handle: Int32) { self.handle = handle }

    deinit { Glibc.close(handle) }

    /// Sends all bytes; false if the other side already closed (or the send timed out).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
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
    func read(timeout: Double, until predicate: ([UInt8]) -> Bool = { _ in false }) -> (bytes: [UInt8], closed: Bool) {
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

    /// Waits up to `timeout` seconds for the other side to close the connection.
    /// - Returns: True if it closed.
    func awaitClose(timeout: Double) -> Bool { read(timeout: timeout).closed }

    /// Reads one whole frame (length, kind, payload), or nil if the connection closed first or `timeout` passed.
    func readFrame(timeout: Double) -> [UInt8]? {
        var buffer: [UInt8] = []
        func frameLength(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            return 4 + Int(bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let length = frameLength(buffer), buffer.count >= length { return Array(buffer[0..<length]) }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            // One byte at a time: the frame's end must not swallow the next frame's start.
            var byte: UInt8 = 0
            guard recv(handle, &byte, 1, 0) == 1 else { return nil }
            buffer.append(byte)
        }
    }
}

/// A socket call of `RawConnection` failed.
struct RawConnectionError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}
