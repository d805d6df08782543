import Foundation
import SluiceEngine
#if canImport(Glibc)
import Glibc
#endif

/// Free TCP ports on 127.0.0.1, found by binding to port 0 and asking the
/// kernel which port it chose.
///
/// ```swift
/// let ports = try LoopbackPorts.free(3)   // e.g. [41234, 41235, 39012]
/// ```
package enum LoopbackPorts {
    /// - Parameter count: How many distinct ports.
    /// - Returns: Ports that were free a moment ago (another program may still take one).
    /// - Throws: `DataflowError.invalidConfiguration` when no socket can be bound.
    package static func free(_ count: Int) throws -> [Int] {
        // All bound at once, so the ports are distinct; closed on return.
        let sockets = try (0..<count).map { _ in try boundSocket() }
        for (handle, _) in sockets { close(handle) }
        return sockets.map(\.port)
    }

    /// A socket bound to a free port on 127.0.0.1 (listening when asked);
    /// the caller closes it.
    /// - Parameter listening: Whether to `listen` on it too (a port in use).
    /// - Returns: The socket and its port.
    /// - Throws: `DataflowError.invalidConfiguration` when it cannot be bound.
    package static func boundSocket(listening: Bool = false) throws -> (handle: Int32, port: Int) {
        #if canImport(Glibc)
        let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let handle = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard handle >= 0 else { throw portError("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(handle, generic, length) == 0 && getsockname(handle, generic, &length) == 0
            }
        }
        guard bound, !listening || listen(handle, 1) == 0 else {
            close(handle)
            throw portError(bound ? "listen" : "bind")
        }
        return (handle, Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func portError(_ call: String) -> DataflowError {
        DataflowError.invalidConfiguration("cannot find a free port on 127.0.0.1: \(call) failed (errno \(errno))")
    }
}
