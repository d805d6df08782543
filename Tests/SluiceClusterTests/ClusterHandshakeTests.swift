import SluiceCluster
import Testing

@Suite("ClusterMesh handshake")
struct ClusterHandshakeTests {
    /// Both starts must fail; returns their errors.
    private func bothFail(_ outcomes: [(MeshUnderTest, Result<Void, ClusterError>)]) -> [ClusterError] {
        defer { for (member, _) in outcomes { member.mesh.close() } }
        return outcomes.compactMap { startError($0) }
    }

    /// The listener never fails because of what an unauthenticated
    /// connection sent: it times out at start-up, naming the refusal.
    private func expectListenerNamesRefusal(
        _ error: ClusterError?, of peer: ProcessID = ProcessID(1), _ mismatch: HandshakeMismatch,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .peersMissing(let ids, _, _, let lastError)? = error else {
            Issue.record("expected the listener to time out naming the refusal, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(ids == [peer], sourceLocation: sourceLocation)
        let named = lastError ?? ""
        #expect(named.contains("from 127.0.0.1:"), "\(named)", sourceLocation: sourceLocation)
        #expect(named.contains("was refused: \(mismatch)"), "\(named)", sourceLocation: sourceLocation)
        if case .protocolVersion = mismatch {} else {
            #expect(named.contains("a connection claiming \(peer) from"), "\(named)", sourceLocation: sourceLocation)
        }
    }

    /// Short start-up timeouts: the listener side only fails when it runs out.
    private func shortStart(_ count: Int = 2) -> [ClusterMeshOptions] { Array(repeating: testOptions(startup: .seconds(3)), count: count) }

    @Test func aDifferentFingerprintFailsTheDialerAndIsNamedByTheListener() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2), fingerprints: ["flow-v1", "flow-v2"], options: shortStart()))
        try #require(errors.count == 2)
        expectListenerNamesRefusal(errors[0], .fingerprint(ours: "flow-v1", theirs: "flow-v2"))
        #expect(errors[1] == .handshakeRefused(peer: errors[1].peerText, mismatch: .fingerprint(ours: "flow-v2", theirs: "flow-v1")))
        #expect(errors[1].description.contains("process 0 at 127.0.0.1:"))
        #expect(errors[0].description.contains("a connection claiming process 1 from 127.0.0.1:"))
    }

    @Test func aDifferentFingerprintBehindTheSecretFailsBothSides() throws {
        // Both proved the secret: a mismatch is a real configuration error on both sides, at once.
        let configurations = try loopbackCluster(2, secrets: ["s3cret", "s3cret"])
        let errors = bothFail(startMeshes(configurations, fingerprints: ["flow-v1", "flow-v2"]))
        try #require(errors.count == 2)
        #expect(errors[0] == .handshakeRefused(peer: errors[0].peerText, mismatch: .fingerprint(ours: "flow-v1", theirs: "flow-v2")))
        #expect(errors[1] == .handshakeRefused(peer: errors[1].peerText, mismatch: .fingerprint(ours: "flow-v2", theirs: "flow-v1")))
        #expect(errors[0].description.contains("process 1"))
        #expect(errors[1].description.contains("process 0 at 127.0.0.1:"))
    }

    @Test func aDifferentProtocolVersionFailsTheDialerAndIsNamedByTheListener() throws {
        var newer = testOptions(startup: .seconds(3))
        newer.protocolVersion = 99
        let errors = bothFail(startMeshes(try loopbackCluster(2), options: [testOptions(startup: .seconds(3)), newer]))
        try #require(errors.count == 2)
        let current = Hello.protocolVersion
        expectListenerNamesRefusal(errors[0], .protocolVersion(ours: current, theirs: 99))
        #expect(errors[1].mismatch == .protocolVersion(ours: 99, theirs: current))
    }

    @Test func aDifferentProcessCountFailsTheDialerAndIsNamedByTheListener() throws {
        let addresses = try freeAddresses(3)
        let small = try ClusterConfiguration(processID: ProcessID(0), addresses: Array(addresses[0..<2]))
        let large = try ClusterConfiguration(processID: ProcessID(1), addresses: addresses)
        let errors = bothFail(startMeshes([small, large], options: shortStart()))
        try #require(errors.count == 2)
        expectListenerNamesRefusal(errors[0], .processCount(ours: 2, theirs: 3))
        #expect(errors[1].mismatch == .processCount(ours: 3, theirs: 2))
    }

    @Test func twoProcessesWithOneIDAreRefused() throws {
        // Process 1 twice: the second one listens elsewhere, but both dial process 0.
        let addresses = try freeAddresses(4)
        let zero = try ClusterConfiguration(processID: ProcessID(0), addresses: Array(addresses[0..<3]))
        let one = try ClusterConfiguration(processID: ProcessID(1), addresses: Array(addresses[0..<3]))
        let impostor = try ClusterConfiguration(processID: ProcessID(1), addresses: [addresses[0], addresses[3], addresses[2]])
        // Process 0 gives up first, so it is the one that reports process 2
        // missing (with equal timeouts, process 1 may time out first and
        // tell process 0 that it stopped).
        let outcomes = startMeshes([zero, one, impostor], options: [testOptions(startup: .seconds(4)), testOptions(startup: .seconds(8)), testOptions(startup: .seconds(8))])
        defer { for (member, _) in outcomes { member.mesh.close() } }
        let errors = outcomes.compactMap { startError($0) }
        #expect(errors.count == 3)
        // Process 0 is the listener: it refuses the impostor without failing
        // (it times out waiting for process 2, which never starts). On one
        // machine the impostor must listen elsewhere, so its address list
        // differs too; which check refuses it depends on which claimant dials first.
        guard case .peersMissing(let missing, _, _, _)? = errors.first else {
            Issue.record("process 0: expected a start-up timeout, got \(String(describing: errors.first))")
            return
        }
        #expect(missing == [ProcessID(2)])
        let refusals = outcomes[0].0.mesh.dismissals.filter { $0.contains("a connection claiming process 1 from") }
        #expect(
            refusals.contains { $0.contains("two processes claim to be process 1") || $0.contains("the address lists differ") },
            "process 0: \(refusals)")
        // The refused claimant dialed process 0 and fails naming it; the other waited for process 2.
        let claimants = errors[1...].map(\.description)
        #expect(claimants.contains {
            $0.contains("process 0 at") && ($0.contains("two processes claim to be process 1") || $0.contains("address lists differ"))
        })
    }

    @Test func aDifferentAddressListFailsTheDialerAndIsNamedByTheListener() throws {
        let addresses = try freeAddresses(2)
        // The same two endpoints, but process 1 was given another spelling of its own address.
        let renamed = PeerAddress(host: "localhost", port: addresses[1].port)
        let zero = try ClusterConfiguration(processID: ProcessID(0), addresses: addresses)
        let one = try ClusterConfiguration(processID: ProcessID(1), addresses: [addresses[0], renamed])
        let errors = bothFail(startMeshes([zero, one], options: shortStart()))
        try #require(errors.count == 2)
        let ours = zero.addressList, theirs = one.addressList
        expectListenerNamesRefusal(errors[0], .addressList(ours: ours, theirs: theirs))
        #expect(errors[1].mismatch == .addressList(ours: theirs, theirs: ours))
    }

    @Test func aMissingSecretFailsTheDialerAndIsNamedByTheListener() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2, secrets: ["s3cret", nil]), options: shortStart()))
        try #require(errors.count == 2)
        expectListenerNamesRefusal(errors[0], .peerHasNoSecret)
        #expect(errors[1].mismatch == .secretRequiredByPeer)
        // And the other way round: the listener without a secret names the dialer that has one.
        let reversed = bothFail(startMeshes(try loopbackCluster(2, secrets: [nil, "s3cret"]), options: shortStart()))
        try #require(reversed.count == 2)
        expectListenerNamesRefusal(reversed[0], .secretRequiredByPeer)
        #expect(reversed[1].mismatch == .peerHasNoSecret)
    }

    @Test func aWrongSecretFailsTheDialerAndIsNamedByTheListener() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2, secrets: ["s3cret", "guess"]), options: shortStart()))
        try #require(errors.count == 2)
        expectListenerNamesRefusal(errors[0], .wrongSecret)
        #expect(errors[1].mismatch == .wrongSecret)
        #expect(!errors.map(\.description).joined().contains("s3cret"))
        #expect(!errors.map(\.description).joined().contains("guess"))
    }

    @Test func theSameSecretConnects() throws {
        let outcomes = startMeshes(try loopbackCluster(3, secrets: ["s3cret", "s3cret", "s3cret"]))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        for (_, result) in outcomes { try result.get() }
        try outcomes[2].0.mesh.send([42], to: ProcessID(0))
        let (from, bytes) = try #require(outcomes[0].0.inbox.next(timeout: meshBound))
        #expect(from == ProcessID(2))
        #expect(bytes == [42])
    }
}

extension ClusterError {
    /// The mismatch of a refusal seen by this side (nil for other errors).
    var mismatch: HandshakeMismatch? {
        if case .handshakeRefused(_, let mismatch) = self { return mismatch }
        return nil
    }

    /// The peer named by a handshake error.
    var peerText: String {
        switch self {
        case .handshakeRefused(let peer, _), .refusedByPeer(let peer, _): return peer
        default: return ""
        }
    }
}
