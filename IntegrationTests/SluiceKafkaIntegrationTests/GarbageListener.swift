import Foundation

/// A TCP listener on 127.0.0.1 that answers every connection with a few
/// bytes that are not Kafka (an HTTP error line) and closes it once the peer
/// does: a reachable address that speaks no Kafka.
final class GarbageListener {
    private let socket: Int32
    /// The port it listens on.
    let port: UInt16
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        socket = fd
        port = UInt16(bigEndian: address.sin_port)
        let done = self.done
        let thread = Thread {
            defer { done.signal() }
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }  // shut down
                Self.answerWithGarbage(connection)
            }
        }
        thread.start()
    }

    /// `127.0.0.1:<port>`.
    var address: String { "127.0.0.1:\(port)" }

    /// Stops accepting and waits for the accept thread.
    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
        _ = done.wait(timeout: .now() + 5)
    }

    private static func answerWithGarbage(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let size = 4096
        var buffer = [UInt8](repeating: 0, count: size)
        guard read(connection, &buffer, size) > 0 else { return }  // the client's first request
        let answer = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)
        _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
        // Wait for the client to hang up (or the timeout), so it reads the answer first.
        while read(connection, &buffer, size) > 0 {}
    }
}
