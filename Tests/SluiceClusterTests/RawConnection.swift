import Foundation
import SluiceCluster
import SluiceTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The tests' loopback client socket, named for what the attack tests do with it.
typealias RawConnection = LoopbackConnection

extension LoopbackConnection {
    /// Connects to `address` (an IPv4 loopback address), giving up after `timeout` seconds.
    convenience init(to address: PeerAddress, timeout: Double = 5) throws {
        try self.init(host: address.host, port: address.port, timeout: timeout)
    }

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
