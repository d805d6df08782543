import Foundation
import Sluice
import SluiceCluster
import SluiceTestSupport
import Testing

/// Each process of a two-process cluster on 127.0.0.1 reports its members,
/// turns ready only once both are connected, and ends stopped.
@Suite(.timeLimit(.minutes(2)), .onOwnThread)
struct ClusterStatusTests {
    @Test func aClusterReportsItsMembersAndReadiness() throws {
        let ports = try LoopbackPorts.free(2)
        let addresses = ports.map { PeerAddress(host: "127.0.0.1", port: $0) }
        let plan = try makeEndlessFlow("duo").plan()
        let statuses = [RunStatus(), RunStatus()]
        var configuration0 = RunConfiguration(workers: 1)
        configuration0.status = statuses[0]
        let first = start(
            plan, configuration: configuration0,
            cluster: try ClusterConfiguration(processID: ProcessID(0), addresses: addresses))
        defer { first.stop() }

        // Alone, process 0 waits for its peer: not ready, peer still connecting.
        let deadline = Date(timeIntervalSinceNow: 20)
        while statuses[0].current.members.isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let waiting = statuses[0].current
        #expect(!waiting.isReady)
        #expect(waiting.members.map(\.state) == [.connected, .connecting])
        #expect(waiting.members.map(\.isSelf) == [true, false])

        var configuration1 = RunConfiguration(workers: 1)
        configuration1.status = statuses[1]
        let second = start(
            plan, configuration: configuration1,
            cluster: try ClusterConfiguration(processID: ProcessID(1), addresses: addresses))
        defer { second.stop() }
        while !(statuses[0].isReady && statuses[1].isReady) && Date() < deadline && !first.isFinished {
            Thread.sleep(forTimeInterval: 0.01)  // a poll interval
        }
        for (id, status) in statuses.enumerated() {
            let now = status.current
            #expect(now.isReady, "process \(id) is ready")
            #expect(now.processID == id && now.processCount == 2)
            #expect(now.members.map(\.state) == [.connected, .connected])
            #expect(now.members.map(\.address) == addresses.map(\.description))
            #expect(now.workerCount == 2 && now.localWorkers == [id])
            #expect(Set(now.partitions["duo.in"]?.keys.map { $0 } ?? []) == ["p0", "p1", "p2"])
        }

        first.stop()  // a stop reaches every process
        try first.wait()
        try second.wait()
        #expect(statuses.map { $0.current.phase } == [.stopped, .stopped])
    }
}
