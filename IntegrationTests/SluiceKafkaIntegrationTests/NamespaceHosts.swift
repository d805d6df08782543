import Foundation
import SluiceTestSupport
import Testing

/// "Hosts" for the multi-host tests: network namespaces, with the embedded
/// broker on host 0. The broker listens on its 127.0.0.1 and advertises it,
/// so forwarders make `127.0.0.1:<port>` lead to host 0 from every host and
/// from the test process. Every process started here is killed by `close()`.
///
/// ```swift
/// let lab = try NamespaceHosts(count: 4, topics: ["lines:6", "counts:6"])
/// defer { lab.close() }
/// let child = try lab.start(1, wordCount, ["--brokers", lab.brokers[0], …])
/// ```
final class NamespaceHosts {
    /// The namespaces (host 0 runs the broker).
    let hosts: NetworkNamespaces
    /// The broker's bootstrap address, the same from every host and from the test.
    private(set) var brokers: [String] = []
    private var children: [ChildProcess] = []

    /// Makes `count` hosts and starts the broker with `topics` (`name:partitions`) on host 0.
    init(count: Int, topics: [String]) throws {
        hosts = try NetworkNamespaces(count: count)
        do {
            let sluice = try BuiltExecutable.url(named: "sluice")
            let forward = try BuiltExecutable.url(named: "NetnsForward")
            let broker = try start(0, sluice, ["dev-broker"] + topics.flatMap { ["--topic", $0] })
            let bootstrap = try broker.firstLine().replacingOccurrences(of: "bootstrap=", with: "")
            let port = try #require(bootstrap.split(separator: ":").last.map(String.init))
            let brokerAddress = "\(hosts.address(of: 0)):\(port)"
            try start(0, forward, [brokerAddress, "127.0.0.1:\(port)"]).waitFor("ready") { out, _ in out.contains("ready") }
            for host in 1..<count {
                try start(host, forward, ["127.0.0.1:\(port)", brokerAddress]).waitFor("ready") { out, _ in out.contains("ready") }
            }
            let rootForward = try ChildProcess(forward, ["127.0.0.1:\(port)", brokerAddress])
            children.append(rootForward)
            try rootForward.waitFor("ready") { out, _ in out.contains("ready") }
            brokers = ["127.0.0.1:\(port)"]
        } catch {
            close()
            throw error
        }
    }

    /// Starts `executable` with `arguments` inside host `host`.
    func start(_ host: Int, _ executable: URL, _ arguments: [String]) throws -> ChildProcess {
        let (command, full) = hosts.command(in: host, executable, arguments)
        let child = try ChildProcess(command, full)
        children.append(child)
        return child
    }

    /// Kills every process still running and removes the namespaces.
    func close() {
        for child in children where !child.hasExited { child.send(SIGKILL) }
        hosts.close()
    }
}
