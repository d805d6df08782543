import Foundation

/// Several "hosts" on one machine: Linux network namespaces joined by veth
/// pairs to a bridge, each with its own address on a private /24 (root
/// only). `close()` removes everything it made.
///
/// ```swift
/// let hosts = try NetworkNamespaces(count: 3)
/// defer { hosts.close() }
/// print(hosts.address(of: 0))        // e.g. 10.77.42.10
/// try hosts.cut(1)                    // host 1 loses its link
/// ```
final class NetworkNamespaces {
    /// Why namespaces cannot be made here (nil when they can).
    static var unavailableReason: String? {
        guard getuid() == 0 else { return "network namespaces need root (uid \(getuid()))" }
        guard FileManager.default.isExecutableFile(atPath: ip) else { return "no \(ip) (package iproute2)" }
        return nil
    }

    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip"

    /// A failed `ip` command.
    struct CommandFailed: Error, CustomStringConvertible {
        let command: [String]
        let output: String
        var description: String { "ip \(command.joined(separator: " ")) failed: \(output)" }
    }

    private let tag = String(UInt32.random(in: 0..<0xffff), radix: 16)
    private let subnet = "10.77.\(Int.random(in: 1...250))"
    private let bridge: String
    let names: [String]
    private var made: [[String]] = []

    /// Creates `count` namespaces on a new bridge, each with address `.10 + index`.
    init(count: Int) throws {
        let tag = self.tag
        bridge = "slbr\(tag)"
        names = (0..<count).map { "sl\(tag)h\($0)" }
        do {
            try run(["link", "add", bridge, "type", "bridge"], undo: ["link", "del", bridge])
            try run(["addr", "add", "\(subnet).1/24", "dev", bridge])
            try run(["link", "set", bridge, "up"])
            for (index, name) in names.enumerated() {
                let hostEnd = hostInterface(index)
                let innerEnd = "slv\(tag)\(index)n"
                try run(["netns", "add", name], undo: ["netns", "del", name])
                try run(["link", "add", hostEnd, "type", "veth", "peer", "name", innerEnd], undo: ["link", "del", hostEnd])
                try run(["link", "set", innerEnd, "netns", name])
                try run(["link", "set", hostEnd, "master", bridge])
                try run(["link", "set", hostEnd, "up"])
                try run(["netns", "exec", name, Self.ip, "addr", "add", "\(address(of: index))/24", "dev", innerEnd])
                try run(["netns", "exec", name, Self.ip, "link", "set", innerEnd, "up"])
                try run(["netns", "exec", name, Self.ip, "link", "set", "lo", "up"])
            }
        } catch {
            close()
            throw error
        }
    }

    /// The address of host `index`.
    func address(of index: Int) -> String { "\(subnet).\(10 + index)" }

    /// The command line that runs `executable` inside host `index`.
    func command(in index: Int, _ executable: URL, _ arguments: [String]) -> (URL, [String]) {
        (URL(fileURLWithPath: Self.ip), ["netns", "exec", names[index], executable.path] + arguments)
    }

    /// Cuts host `index` off the network (its link goes down; nothing is reset).
    func cut(_ index: Int) throws { try run(["link", "set", hostInterface(index), "down"]) }

    /// Brings host `index`'s link back.
    func restore(_ index: Int) throws { try run(["link", "set", hostInterface(index), "up"]) }

    /// Removes every namespace, link and the bridge (in reverse order).
    func close() {
        for undo in made.reversed() { try? run(undo) }
        made = []
    }

    deinit { close() }

    private func hostInterface(_ index: Int) -> String { "slv\(tag)\(index)h" }

    private func run(_ arguments: [String], undo: [String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.ip)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(command: arguments, output: String(decoding: output, as: UTF8.self))
        }
        if let undo { made.append(undo) }
    }
}
