import SluiceCluster
import Testing

@Suite("ClusterMesh handshake")
struct ClusterHandshakeTests {
    /// Both starts must fail; returns their errors.
    private func bothFail(_ outcomes: [(MeshUnderTest, Result<Void, ClusterError>)]) -> [ClusterError] {
        defer { for (member, _) in outcomes { member.mesh.close() } }
        return outcomes.compactMap { startError($0) }
    }

    @Test func aDifferentFingerprintIsRefusedOnBothSides() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2), fingerprints: ["flow-v1", "flow-v2"]))
        #expect(errors.count == 2)
        #expect(errors[0] == .handshakeRefused(peer: errors[0].peerText, mismatch: .fingerprint(ours: "flow-v1", theirs: "flow-v2")))
        #expect(errors[1] == .handshakeRefused(peer: errors[1].peerText, mismatch: .fingerprint(ours: "flow-v2", theirs: "flow-v1")))
        #expect(errors[1].description.contains("process 0 at 127.0.0.1:"))
        #expect(errors[0].description.contains("process 1"))
    }

    @Test func aDifferentProtocolVersionIsRefusedOnBothSides() throws {
        var newer = testOptions()
        newer.protocolVersion = 99
        let errors = bothFail(startMeshes(try loopbackCluster(2), options: [testOptions(), newer]))
        let current = Hello.protocolVersion
        #expect(errors.map(\.mismatch) == [.protocolVersion(ours: current, theirs: 99), .protocolVersion(ours: 99, theirs: current)])
    }

    @Test func aDifferentProcessCountIsRefusedOnBothSides() throws {
        let addresses = try freeAddresses(3)
        let small = try ClusterConfiguration(processID: ProcessID(0), addresses: Array(addresses[0..<2]))
        let large = try ClusterConfiguration(processID: ProcessID(1), addresses: addresses)
        let errors = bothFail(startMeshes([small, large]))
        #expect(errors.map(\.mismatch) == [.processCount(ours: 2, theirs: 3), .processCount(ours: 3, theirs: 2)])
    }

    @Test func twoProcessesWithOneIDAreRefused() throws {
        // Process 1 twice: the second one listens elsewhere, but both dial process 0.
        let addresses = try freeAddresses(4)
        let zero = try ClusterConfiguration(processID: ProcessID(0), addresses: Array(addresses[0..<3]))
        let one = try ClusterConfiguration(processID: ProcessID(1), addresses: Array(addresses[0..<3]))
        let impostor = try ClusterConfiguration(processID: ProcessID(1), addresses: [addresses[0], addresses[3], addresses[2]])
        let outcomes = startMeshes([zero, one, impostor], options: Array(repeating: testOptions(startup: 5), count: 3))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        let errors = outcomes.compactMap { startError($0) }
        #expect(errors.count == 3)
        // On one machine the impostor must listen elsewhere, so its address
        // list differs too; which check refuses it first depends on which
        // claimant dials first.
        let refusal = errors[0].mismatch
        #expect(
            refusal == .processIDClash(ProcessID(1)) || { if case .addressList = refusal { true } else { false } }(),
            "process 0: \(errors[0])")
        // One of the two claimants is refused by process 0; the other learns that process 0 stopped.
        let claimants = errors[1...].map(\.description)
        #expect(claimants.contains {
            $0.contains("process 0 at") && ($0.contains("two processes claim to be process 1") || $0.contains("address lists differ"))
        })
    }

    @Test func aDifferentAddressListIsRefusedOnBothSides() throws {
        let addresses = try freeAddresses(2)
        // The same two endpoints, but process 1 was given another spelling of its own address.
        let renamed = PeerAddress(host: "localhost", port: addresses[1].port)
        let zero = try ClusterConfiguration(processID: ProcessID(0), addresses: addresses)
        let one = try ClusterConfiguration(processID: ProcessID(1), addresses: [addresses[0], renamed])
        let errors = bothFail(startMeshes([zero, one]))
        let ours = zero.addressList, theirs = one.addressList
        #expect(errors.map(\.mismatch) == [.addressList(ours: ours, theirs: theirs), .addressList(ours: theirs, theirs: ours)])
    }

    @Test func aMissingSecretIsRefusedOnBothSides() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2, secrets: ["s3cret", nil])))
        #expect(errors.map(\.mismatch) == [.peerHasNoSecret, .secretRequiredByPeer])
    }

    @Test func aWrongSecretIsRefusedOnBothSides() throws {
        let errors = bothFail(startMeshes(try loopbackCluster(2, secrets: ["s3cret", "guess"])))
        #expect(errors.map(\.mismatch) == [.wrongSecret, .wrongSecret])
        #expect(!errors.map(\.description).joined().contains("s3cret"))
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
