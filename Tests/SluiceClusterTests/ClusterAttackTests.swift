import Foundation
import Logging
import SluiceCluster
import Synchronization
import Testing

/// Outsiders attack a running 2-process mesh through its listening ports.
/// After each attack both meshes have no failure and still exchange frames
/// both ways, the attacking connection was closed, and the connections held
/// in their handshake never exceeded the cap. Serialized: the attacks load
/// the machine, and other suites' meshes run with short timeouts.
@Suite("ClusterMesh under attack", .serialized)
struct ClusterAttackTests {
    static let secrets: [String?] = [nil, "s3cret"]
    static let cap = 64

    /// Short handshake deadline, so that held connections end quickly.
    private static func attackOptions(handshakeTimeout: Duration = .seconds(1)) -> ClusterMeshOptions {
        var options = testOptions(startup: .seconds(10))
        options.handshakeTimeout = handshakeTimeout
        options.maxHandshakingConnections = cap
        return options
    }

    /// A started 2-process mesh; the caller closes it.
    private func runningPair(secret: String?, handshakeTimeout: Duration = .seconds(1)) throws -> [MeshUnderTest] {
        let options = Self.attackOptions(handshakeTimeout: handshakeTimeout)
        let outcomes = startMeshes(try loopbackCluster(2, secrets: [secret, secret]), options: [options, options])
        for (_, result) in outcomes { try result.get() }
        return outcomes.map(\.0)
    }

    /// Both meshes are healthy and exchange data frames both ways; no more
    /// than the cap of connections was ever in its handshake.
    private func expectHealthy(_ pair: [MeshUnderTest], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for member in pair {
            #expect(member.mesh.failure == nil, "\(member.mesh.configuration.processID) failed", sourceLocation: sourceLocation)
            #expect(member.mesh.unauthenticatedConnections.highWater <= Self.cap, sourceLocation: sourceLocation)
        }
        try pair[0].mesh.send([7, 0], to: ProcessID(1))
        try pair[1].mesh.send([7, 1], to: ProcessID(0))
        let atOne = try #require(pair[1].inbox.next(timeout: meshBound), sourceLocation: sourceLocation)
        let atZero = try #require(pair[0].inbox.next(timeout: meshBound), sourceLocation: sourceLocation)
        #expect(atOne.0 == ProcessID(0) && atOne.1 == [7, 0], sourceLocation: sourceLocation)
        #expect(atZero.0 == ProcessID(1) && atZero.1 == [7, 1], sourceLocation: sourceLocation)
    }

    /// Connects to each member's port, sends `bytes`, and expects the member
    /// to close that connection and to record why (a dismissal containing
    /// `reason`); then checks that the pair is healthy.
    private func attackEachMember(
        of pair: [MeshUnderTest], with bytes: @autoclosure () -> [UInt8], reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try attack(pair, with: bytes(), reason: reason, sourceLocation: sourceLocation)
        try expectHealthy(pair, sourceLocation: sourceLocation)
    }

    /// Connects to each target's port, sends `bytes`, and expects the target
    /// to close that connection and to record why (a dismissal containing `reason`).
    private func attack(
        _ targets: [MeshUnderTest], with bytes: @autoclosure () -> [UInt8], reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for member in targets {
            let connection = try RawConnection(to: member.mesh.configuration.ownAddress)
            connection.send(bytes())
            #expect(connection.awaitClose(timeout: meshBoundSeconds), "the attacking connection stayed open", sourceLocation: sourceLocation)
            let dismissals = member.mesh.waitForDismissals(timeout: meshBoundSeconds) { $0.contains { $0.contains(reason) } }
            #expect(dismissals != nil, "\(member.mesh.configuration.processID): \(member.mesh.dismissals)", sourceLocation: sourceLocation)
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test(arguments: secrets)
    func randomBytesDeclaringALargeFrameAreClosedAtTheHandshakeLimit(secret: String?) throws {
        let pair = try runningPair(secret: secret)
        defer { for member in pair { member.mesh.close() } }
        // A length of 1 MiB (allowed once established, not before), then random bytes.
        let bytes = [0, 0x10, 0, 0] + Self.randomBytes(60_000)
        try attackEachMember(of: pair, with: bytes, reason: "declares 1048576 bytes (limit")
    }

    @Test func aFourGiBLengthHeaderIsClosed() throws {
        let pair = try runningPair(secret: "s3cret")
        defer { for member in pair { member.mesh.close() } }
        try attackEachMember(of: pair, with: [0xFF, 0xFF, 0xFF, 0xFF, 5, 1, 2, 3], reason: "declares 4294967295 bytes")
    }

    @Test func aSlowTrickleIsClosedByTheHandshakeDeadline() throws {
        let pair = try runningPair(secret: "s3cret")
        defer { for member in pair { member.mesh.close() } }
        // A few bytes of a frame header, then silence (the deadline, 1 s, comes before the idle timeout, 2 s).
        try attackEachMember(of: pair, with: [0, 0], reason: "the handshake did not complete within 1.0 s")
    }

    @Test func twoThousandHeldConnectionsStayUnderTheCap() throws {
        // A longer deadline, so that the cap is reached while the first connections are held.
        let pair = try runningPair(secret: "s3cret", handshakeTimeout: .seconds(3))
        defer { for member in pair { member.mesh.close() } }
        let target = pair[0].mesh.configuration.ownAddress
        var connections: [RawConnection] = []
        let began = Date()
        for _ in 0..<2_000 { connections.append(try RawConnection(to: target)) }
        print("opened 2,000 connections in \(Date().timeIntervalSince(began)) s")
        // Each is closed: at once beyond the cap, the others at the handshake deadline.
        let giveUp = Date(timeIntervalSinceNow: meshBoundSeconds)
        let stillOpen = connections.filter { !$0.awaitClose(timeout: max(0.1, giveUp.timeIntervalSinceNow)) }
        #expect(stillOpen.isEmpty, "\(stillOpen.count) of 2,000 connections still open")
        print("all closed after \(Date().timeIntervalSince(began)) s")
        #expect(pair[0].mesh.connectionsClosedAtCap > 0)
        #expect(pair[0].mesh.unauthenticatedConnections.highWater <= Self.cap)
        #expect(pair[0].mesh.waitForUnauthenticatedConnections(atMost: 0, timeout: meshBoundSeconds))
        connections = []
        try expectHealthy(pair)
    }

    @Test(arguments: secrets)
    func aBareAbortFrameIsClosed(secret: String?) throws {
        let pair = try runningPair(secret: secret)
        defer { for member in pair { member.mesh.close() } }
        try attackEachMember(of: pair, with: [0, 0, 0, 1, 8], reason: "sent abort during the handshake")
    }

    @Test(arguments: secrets)
    func aBareRefuseFrameIsClosed(secret: String?) throws {
        let pair = try runningPair(secret: secret)
        defer { for member in pair { member.mesh.close() } }
        try attackEachMember(of: pair, with: [0, 0, 0, 1, 4], reason: "sent refuse during the handshake")
    }

    @Test(arguments: secrets)
    func aHelloOfAnotherProtocolVersionIsClosed(secret: String?) throws {
        let pair = try runningPair(secret: secret)
        defer { for member in pair { member.mesh.close() } }
        let hello = Hello(version: 99, processID: ProcessID(1), hasSecret: secret != nil, nonce: Hello.makeNonce())
        try attackEachMember(
            of: pair, with: hello.frame.bytes,
            reason: "was refused: \(HandshakeMismatch.protocolVersion(ours: Hello.protocolVersion, theirs: 99))")
    }

    @Test func aForgedHelloWithoutTheSecretCannotJoin() throws {
        let pair = try runningPair(secret: "s3cret")
        defer { for member in pair { member.mesh.close() } }
        let connection = try RawConnection(to: pair[0].mesh.configuration.ownAddress)
        connection.send(Hello(processID: ProcessID(1), hasSecret: true, nonce: Hello.makeNonce()).frame.bytes)
        // The member answers with its hello and its proof, and nothing more until the forger proves the secret.
        let first = try #require(connection.readFrame(timeout: meshBoundSeconds))
        let second = try #require(connection.readFrame(timeout: meshBoundSeconds))
        #expect(first[4] == 1 && second[4] == 2, "expected hello then auth, got kinds \(first[4]), \(second[4])")
        connection.send(Frame(.auth, bytes: Self.randomBytes(32)).bytes)
        let rest = connection.read(timeout: meshBoundSeconds)
        #expect(rest.closed)
        // Nothing it received names the dataflow or the addresses.
        let everything = String(decoding: first + second + rest.bytes, as: UTF8.self)
        #expect(!everything.contains("flow-v1"))
        #expect(!everything.contains(pair[0].mesh.configuration.ownAddress.description))
        let refused = "a connection claiming process 1 from 127.0.0.1:"
        let dismissals = pair[0].mesh.waitForDismissals(timeout: meshBoundSeconds) {
            $0.contains { $0.hasPrefix(refused) && $0.contains("\(HandshakeMismatch.wrongSecret)") }
        }
        #expect(dismissals != nil, "\(pair[0].mesh.dismissals)")
        try expectHealthy(pair)
    }

    @Test func aForgedHelloThatMatchesCannotJoinARunningClusterWithoutASecret() throws {
        let pair = try runningPair(secret: nil)
        defer { for member in pair { member.mesh.close() } }
        let configuration = pair[0].mesh.configuration
        let details = HandshakeDetails(fingerprint: "flow-v1", processCount: 2, addresses: configuration.addressList)
        let hello = Hello(processID: ProcessID(1), hasSecret: false, nonce: [], details: details)
        // Only process 0 takes dialers (process 1 would refuse its own id).
        try attack(
            [pair[0]], with: hello.frame.bytes + Frame(.accept).bytes + Frame(.abort).bytes,
            reason: "was refused: \(HandshakeMismatch.clusterRunning(ProcessID(1)))")
        try expectHealthy(pair)
    }

    @Test func aForgedHelloDuringStartUpDoesNotKeepTheRealProcessOut() throws {
        let configurations = try loopbackCluster(2, secrets: ["s3cret", "s3cret"])
        let zero = BackgroundMesh(configurations[0], options: Self.attackOptions())
        defer { zero.member.mesh.close() }
        let connection = try connectWhenListening(to: configurations[0].ownAddress)
        connection.send(Hello(processID: ProcessID(1), hasSecret: true, nonce: Hello.makeNonce()).frame.bytes)
        connection.send(Frame(.auth, bytes: Self.randomBytes(32)).bytes + [0, 0, 0, 1, 8])
        #expect(connection.awaitClose(timeout: meshBoundSeconds))
        let one = BackgroundMesh(configurations[1], options: Self.attackOptions())
        defer { one.member.mesh.close() }
        try zero.result(timeout: meshBoundSeconds).get()
        try one.result(timeout: meshBoundSeconds).get()
        try expectHealthy([zero.member, one.member])
    }

    @Test func aReplayedHelloAndProofCannotAuthenticate() throws {
        // Record what process 1 sends when it dials: a recorder listens at
        // process 0's address and plays process 0 up to process 1's proof.
        let (recorder, zeroAddress) = try boundSocket(listening: true)
        // Inherited by the accepted connection, so that process 0 can bind the port while it closes.
        var reuse: Int32 = 1
        setsockopt(recorder, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let addresses = [zeroAddress] + (try freeAddresses(1))
        let configurations = try (0..<2).map {
            try ClusterConfiguration(processID: ProcessID($0), addresses: addresses, secret: "s3cret")
        }
        let one = BackgroundMesh(configurations[1], options: Self.attackOptions())
        defer { one.member.mesh.close() }
        let recorded: [UInt8]
        do {
            defer { close(recorder) }
            let dialed = try #require(RawConnection(accepting: recorder, timeout: meshBoundSeconds))
            let hello = try #require(dialed.readFrame(timeout: meshBoundSeconds))
            dialed.send(Hello(processID: ProcessID(0), hasSecret: true, nonce: Hello.makeNonce()).frame.bytes)
            let proof = try #require(dialed.readFrame(timeout: meshBoundSeconds))
            #expect(proof[4] == 2, "expected an auth frame, got kind \(proof[4])")
            recorded = hello + proof
        }
        // The real process 0 starts; process 1 dials again and the cluster runs.
        let zero = BackgroundMesh(configurations[0], options: Self.attackOptions())
        defer { zero.member.mesh.close() }
        try zero.result(timeout: meshBoundSeconds).get()
        try one.result(timeout: meshBoundSeconds).get()
        // Replayed to process 0, the proof is bound to the recorder's nonce, not process 0's fresh one.
        try attack([zero.member], with: recorded, reason: "\(HandshakeMismatch.wrongSecret)")
        try expectHealthy([zero.member, one.member])
    }

    /// Connects once `address` listens (a mesh starting on another thread), within the mesh bound.
    private func connectWhenListening(to address: PeerAddress) throws -> RawConnection {
        let giveUp = Date(timeIntervalSinceNow: meshBoundSeconds)
        while true {
            do { return try RawConnection(to: address) } catch {
                guard Date() < giveUp else { throw error }
                Thread.sleep(forTimeInterval: 0.05)  // polling for the port, not synchronizing with the mesh
            }
        }
    }
}

/// A mesh starting on a thread of its own (its `start()` blocks until every peer connected).
final class BackgroundMesh: Sendable {
    let member: MeshUnderTest
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Void, ClusterError>?>(nil)

    init(_ configuration: ClusterConfiguration, options: ClusterMeshOptions) {
        let inbox = FrameQueue()
        let mesh = ClusterMesh(
            configuration: configuration, fingerprint: "flow-v1", options: options,
            logger: Logger(label: "test.mesh.\(configuration.processID.rawValue)"), onFrame: inbox.append)
        member = MeshUnderTest(mesh: mesh, inbox: inbox)
        Thread.detachNewThread { [self] in
            let result = Result<Void, ClusterError> { () throws(ClusterError) in
                do { try mesh.start() } catch let error as ClusterError { throw error } catch {
                    throw ClusterError.localFailure(reason: "\(error)")
                }
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// The start's outcome, waiting up to `timeout` seconds (a start that does not return is a failure).
    func result(timeout: Double) -> Result<Void, ClusterError> {
        guard done.wait(timeout: .now() + timeout) == .success else {
            return .failure(.localFailure(reason: "the start did not return within \(timeout) s"))
        }
        done.signal()
        return outcome.withLock { $0 } ?? .failure(.localFailure(reason: "no outcome"))
    }
}
