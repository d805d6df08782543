// netns-forward LISTEN_HOST:PORT TARGET_HOST:PORT
//
// A plain TCP forwarder for the multi-host tests: run inside a network
// namespace (`ip netns exec`), it accepts connections on LISTEN and copies
// bytes both ways to TARGET. The embedded broker listens on 127.0.0.1 only
// and advertises that address, so each namespace gets one of these on
// 127.0.0.1 pointing at the broker's namespace (whose own forwarder listens
// on its real address). Prints "ready" once listening; runs until killed.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("netns-forward: \(message) (errno \(errno))\n".utf8))
    exit(1)
}

func address(_ text: String) -> sockaddr_in {
    let parts = text.split(separator: ":")
    guard parts.count == 2, let port = UInt16(parts[1]) else { fail("bad address '\(text)'") }
    var result = sockaddr_in()
    result.sin_family = sa_family_t(AF_INET)
    result.sin_port = port.bigEndian
    guard inet_pton(AF_INET, String(parts[0]), &result.sin_addr) == 1 else { fail("bad host in '\(text)'") }
    return result
}

func withGeneric<T>(_ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>) -> T) -> T {
    withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
}

/// Copies from one socket to the other until either side ends, then shuts both.
func pump(from source: Int32, to target: Int32) {
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        var sent = 0
        while sent < count {
            let written = buffer.withUnsafeBytes { send(target, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
            if written <= 0 {
                shutdown(source, Int32(SHUT_RDWR))
                return
            }
            sent += written
        }
    }
    shutdown(target, Int32(SHUT_WR))
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else { fail("usage: netns-forward LISTEN_HOST:PORT TARGET_HOST:PORT") }
var listenAddress = address(arguments[1])
let targetText = arguments[2]

let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
var reuse: Int32 = 1
setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
guard withGeneric(&listenAddress, { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }) == 0 else {
    fail("cannot listen on \(arguments[1])")
}
guard listen(listener, 64) == 0 else { fail("listen") }
FileHandle.standardOutput.write(Data("ready\n".utf8))

while true {
    let client = accept(listener, nil, nil)
    if client < 0 { continue }
    let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var target = address(targetText)
    guard withGeneric(&target, { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }) == 0 else {
        close(client)
        close(upstream)
        continue
    }
    Thread { pump(from: client, to: upstream) }.start()
    Thread {
        pump(from: upstream, to: client)
    }.start()
}
