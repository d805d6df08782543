import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Listens on a fixed loopback port and forwards every connection to a
/// target port on 127.0.0.1, for `sluice dev-broker --port N`: clients
/// bootstrap through the fixed port, then the metadata sends them to the
/// brokers' own ports on the same host.
///
/// ```swift
/// let forwarder = try PortForwarder(port: 9092, targetPort: 40123)
/// forwarder.start()
/// ```
final class PortForwarder: @unchecked Sendable {
    // @unchecked: the descriptors are set once in init and only read after;
    // each connection's pair of descriptors belongs to its two copy threads.
    private let listener: Int32
    private let targetPort: UInt16

    /// Binds 127.0.0.1:`port`.
    /// - Throws: `PortForwarderError` when the port cannot be bound (in use, privileged).
    init(port: UInt16, targetPort: UInt16) throws {
        self.targetPort = targetPort
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw PortForwarderError(description: "cannot open a socket: \(Self.lastError())") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            let reason = Self.lastError()
            close(listener)
            throw PortForwarderError(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
    }

    /// Accepts and forwards connections on a background thread, for the life of the process.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                forward(client)
            }
        }
    }

    private func forward(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(targetPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard upstream >= 0, connected == 0 else {
            if upstream >= 0 { close(upstream) }
            close(client)
            return
        }
        let done = DispatchGroup()
        for (from, to) in [(client, upstream), (upstream, client)] {
            done.enter()
            Thread.detachNewThread {
                Self.copy(from: from, to: to)
                done.leave()
            }
        }
        done.notify(queue: .global()) {
            close(client)
            close(upstream)
        }
    }

    /// Copies until `from` ends or fails, then ends the write side of `to`.
    private static func copy(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { write(to, $0.baseAddress! + sent, count - sent) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break copying }
                sent += written
            }
        }
        shutdown(to, Int32(SHUT_WR))
        shutdown(from, Int32(SHUT_RD))
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Why `--port` could not be served.
struct PortForwarderError: Error, CustomStringConvertible {
    let description: String
}
