import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PeerAddress {
    /// The IP addresses the host resolves to (numeric, e.g. `127.0.0.1`,
    /// `::1`), or nil when it does not resolve (yet: in Kubernetes a pod's
    /// name appears in DNS only once the pod runs).
    ///
    /// ```swift
    /// PeerAddress(host: "localhost", port: 7101).resolvedHosts()   // e.g. ["127.0.0.1", "::1"]
    /// ```
    /// - Returns: The resolved addresses, or nil.
    public func resolvedHosts() -> Set<String>? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var hosts = Set<String>()
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                current.pointee.ai_addr, current.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST)
                == 0
            {
                hosts.insert(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            entry = current.pointee.ai_next
        }
        return hosts.isEmpty ? nil : hosts
    }

    /// Whether two entries of an address list name the same listening
    /// socket: the same port and a host that resolves to a common address
    /// (`127.0.0.1:7101` and `localhost:7101`). Hosts that do not resolve
    /// are compared as written.
    /// - Parameter other: Another address of the list.
    /// - Returns: True when both would listen on the same socket.
    func sameSocket(as other: PeerAddress) -> Bool {
        guard port == other.port else { return false }
        if host.lowercased() == other.host.lowercased() { return true }
        guard let mine = resolvedHosts(), let theirs = other.resolvedHosts() else { return false }
        return !mine.isDisjoint(with: theirs)
    }
}
