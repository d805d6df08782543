import SluiceCluster
import Testing

@Suite("ClusterMesh exchange")
struct ClusterMeshTests {
    /// Every process sends `count` numbered frames to every other; each
    /// receiver must see each sender's frames complete and in order.
    private func exchange(processes: Int, count: Int) throws {
        let started = startMeshes(try loopbackCluster(processes))
        defer { for (member, _) in started { member.mesh.close() } }
        for (member, result) in started { try result.get(); _ = member }
        for (member, _) in started {
            for peer in member.mesh.configuration.peers {
                for index in 0..<count {
                    let bytes = [UInt8(member.mesh.configuration.processID.rawValue)] + withUnsafeBytes(of: UInt32(index).bigEndian, Array.init)
                    try member.mesh.send(bytes, to: peer)
                }
            }
        }
        for (member, _) in started {
            var next: [ProcessID: UInt32] = [:]
            for _ in 0..<(count * (processes - 1)) {
                let (from, bytes) = try #require(member.inbox.next(timeout: meshBound), "a frame did not arrive")
                #expect(Int(bytes[0]) == from.rawValue)
                let index = bytes[1...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(index == next[from, default: 0], "frames from \(from) out of order")
                next[from] = index + 1
            }
            #expect(next.count == processes - 1)
            #expect(next.values.allSatisfy { $0 == UInt32(count) })
            #expect(member.mesh.failure == nil)
        }
    }

    @Test func twoProcessesExchangeFramesInOrder() throws {
        try exchange(processes: 2, count: 500)
    }

    @Test func threeProcessesExchangeFramesInOrder() throws {
        try exchange(processes: 3, count: 300)
    }

    @Test func largeFramesArriveWhole() throws {
        let started = startMeshes(try loopbackCluster(2))
        defer { for (member, _) in started { member.mesh.close() } }
        for (_, result) in started { try result.get() }
        let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try started[1].0.mesh.send(payload, to: ProcessID(0))
        let (from, bytes) = try #require(started[0].0.inbox.next(timeout: meshBound))
        #expect(from == ProcessID(1))
        #expect(bytes == payload)
        #expect(started[0].0.inbox.pendingBytes == 0)
    }

    @Test func sendingToAnUnknownPeerIsRefused() throws {
        let started = startMeshes(try loopbackCluster(2))
        defer { for (member, _) in started { member.mesh.close() } }
        for (_, result) in started { try result.get() }
        #expect(throws: ClusterError.unknownPeer(ProcessID(0))) { try started[0].0.mesh.send([1], to: ProcessID(0)) }
        #expect(throws: ClusterError.unknownPeer(ProcessID(5))) { try started[0].0.mesh.send([1], to: ProcessID(5)) }
    }

    @Test func aFullSendBufferRefusesWithoutQueueing() throws {
        var options = testOptions()
        options.maxPendingBytesPerPeer = 1
        let started = startMeshes(try loopbackCluster(2), options: [options, options])
        defer { for (member, _) in started { member.mesh.close() } }
        for (_, result) in started { try result.get() }
        // Send large frames until the socket is full and bytes stay pending: the
        // next send must be refused, naming the peer and the limit.
        let big = [UInt8](repeating: 7, count: 4 << 20)
        var refused: ClusterError?
        var sent = 0
        while refused == nil, sent < 64 {
            do {
                try started[0].0.mesh.send(big, to: ProcessID(1))
                sent += 1
            } catch let error as ClusterError {
                refused = error
            }
        }
        guard case .sendBufferFull(let peer, let pending, let limit)? = refused else {
            Issue.record("64 frames of 4 MiB never met a full buffer: \(String(describing: refused))")
            return
        }
        #expect(peer == ProcessID(1))
        #expect(pending > 0)
        #expect(limit == 1)
        for _ in 0..<sent { _ = try #require(started[1].0.inbox.next(timeout: meshBound)) }
        #expect(started[1].0.inbox.next(timeout: .milliseconds(10)) == nil, "a refused frame was delivered")
    }
}
