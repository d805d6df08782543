import Foundation
import SluiceCluster
import SluiceTestSupport
import Testing

@Suite("ClusterMesh failures", .onOwnThread)
struct ClusterFailureTests {
    @Test func aPeerThatNeverComesIsNamedAfterTheTimeout() throws {
        let configurations = try loopbackCluster(3)
        // Only processes 0 and 2 start; process 2 dials 1, which never listens.
        let outcomes = startMeshes([configurations[0], configurations[2]], options: Array(repeating: testOptions(startup: .milliseconds(1500)), count: 2))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        let missing = configurations[0].address(of: ProcessID(1))
        for outcome in outcomes {
            // Each times out itself, or first hears it from the other's abort.
            switch startError(outcome) {
            case let .peersMissing(ids, addresses, waited, _)?:
                #expect(ids == [ProcessID(1)])
                #expect(addresses == [missing])
                #expect(waited == 1.5)
            case let .peerAborted(_, reason)?:
                #expect(reason.hasPrefix("process 1 at \(missing) did not connect within 1.5 s"))
            case let error:
                Issue.record("expected peersMissing or peerAborted, got \(String(describing: error))")
            }
        }
        let own = outcomes.compactMap { if case .failure(let error) = $0.1 { error.description } else { nil } }
        #expect(own.contains { $0.hasPrefix("process 1 at \(missing) did not connect within 1.5 s") })
    }

    @Test func aPortInUseIsNamed() throws {
        let (holder, taken) = try boundSocket(listening: true)
        defer { close(holder) }
        let addresses = [taken] + (try freeAddresses(1))
        let configuration = try ClusterConfiguration(processID: ProcessID(0), addresses: addresses)
        let outcome = startMeshes([configuration], options: [testOptions(startup: .seconds(5))])
        defer { outcome[0].0.mesh.close() }
        let error = startError(outcome[0])
        #expect(error == .addressInUse(taken))
        #expect(error?.description == "cannot listen on \(taken): the address is already in use")
    }

    @Test func aPeerDroppedAbruptlyIsNamedByTheOthers() throws {
        let outcomes = startMeshes(try loopbackCluster(3))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        for (_, result) in outcomes { try result.get() }
        outcomes[1].0.mesh.dropConnectionsForTesting()
        for survivor in [outcomes[0].0.mesh, outcomes[2].0.mesh] {
            let error = try #require(survivor.waitForFailure(timeout: .seconds(10)), "\(survivor.configuration.processID) did not notice")
            // Each survivor notices itself, or first hears it from the other survivor's abort.
            switch error {
            case .peerLost(let peer, _, _):
                #expect(peer == ProcessID(1))
                #expect(error.description.hasPrefix("lost process 1 at 127.0.0.1:"))
            case .peerAborted(let peer, let reason):
                #expect(peer != ProcessID(1) && peer != survivor.configuration.processID)
                #expect(reason.hasPrefix("lost process 1 at 127.0.0.1:"))
            default:
                Issue.record("expected peerLost or peerAborted, got \(error)")
            }
            #expect(throws: error) { try survivor.send([1], to: ProcessID(1)) }
        }
    }

    @Test func aSilentPeerIsNamedWithinTenSeconds() throws {
        let outcomes = startMeshes(try loopbackCluster(2))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        for (_, result) in outcomes { try result.get() }
        outcomes[1].0.mesh.stopHeartbeatsForTesting()
        let error = try #require(outcomes[0].0.mesh.waitForFailure(timeout: .seconds(10)), "process 0 did not notice")
        #expect(error == .peerSilent(ProcessID(1), address: outcomes[1].0.mesh.configuration.ownAddress, seconds: 2))
        // Process 0 tells process 1 why it stopped.
        let told = try #require(outcomes[1].0.mesh.waitForFailure(timeout: .seconds(10)))
        #expect(told.description.hasPrefix("process 0 stopped: lost process 1"))
    }

    @Test func aCleanGoodbyeIsNoError() throws {
        let outcomes = startMeshes(try loopbackCluster(3))
        defer { for (member, _) in outcomes { member.mesh.close() } }
        for (_, result) in outcomes { try result.get() }
        try outcomes[2].0.mesh.send([9], to: ProcessID(0))
        outcomes[2].0.mesh.close()
        for survivor in [outcomes[0].0.mesh, outcomes[1].0.mesh] {
            #expect(survivor.waitForGoodbye(from: ProcessID(2), timeout: meshBound))
            #expect(survivor.failure == nil)
            #expect(throws: ClusterError.peerClosed(ProcessID(2))) { try survivor.send([1], to: ProcessID(2)) }
        }
        // The frame sent before the goodbye still arrived, and the others go on.
        #expect(outcomes[0].0.inbox.next(timeout: meshBound)?.1 == [9])
        try outcomes[1].0.mesh.send([5], to: ProcessID(0))
        #expect(outcomes[0].0.inbox.next(timeout: meshBound)?.1 == [5])
    }
}
