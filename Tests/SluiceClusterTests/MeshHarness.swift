import Foundation
import Logging
import SluiceCluster
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The longest any mesh test waits for something that must happen.
let meshBoundSeconds: Double = 20
/// `meshBoundSeconds` as a `Duration`, for the mesh's waits.
let meshBound: Duration = .seconds(meshBoundSeconds)

/// Free TCP ports on 127.0.0.1: binds port 0 and reads back what the kernel gave.
func freeAddresses(_ count: Int) throws -> [PeerAddress] {
    try LoopbackPorts.free(count).map { PeerAddress(host: "127.0.0.1", port: $0) }
}

/// A socket bound to a free port on 127.0.0.1 (listening when asked); the caller closes it.
func boundSocket(listening: Bool = false) throws -> (Int32, PeerAddress) {
    let (handle, port) = try LoopbackPorts.boundSocket(listening: listening)
    return (handle, PeerAddress(host: "127.0.0.1", port: port))
}

/// Short timeouts so that failure tests end quickly (still well under 10 s).
func testOptions(startup: Duration = .seconds(10)) -> ClusterMeshOptions {
    var options = ClusterMeshOptions()
    options.startupTimeout = startup
    options.heartbeatInterval = .milliseconds(200)
    options.peerTimeout = .seconds(2)
    return options
}

/// One mesh and the frames it received.
struct MeshUnderTest: Sendable {
    let mesh: ClusterMesh
    let inbox: FrameQueue
}

/// Builds a mesh per configuration, starts them all on their own threads, and
/// returns each start's outcome (bounded: a start that never returns is an issue).
func startMeshes(
    _ configurations: [ClusterConfiguration], fingerprints: [String]? = nil,
    options: [ClusterMeshOptions]? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> [(MeshUnderTest, Result<Void, ClusterError>)] {
    let meshes = configurations.enumerated().map { index, configuration in
        let inbox = FrameQueue()
        let mesh = ClusterMesh(
            configuration: configuration, fingerprint: fingerprints?[index] ?? "flow-v1",
            options: options?[index] ?? testOptions(), logger: Logger(label: "test.mesh.\(index)"),
            onFrame: inbox.append)
        return MeshUnderTest(mesh: mesh, inbox: inbox)
    }
    let results = Mutex<[Int: Result<Void, ClusterError>]>([:])
    let group = DispatchGroup()
    for (index, member) in meshes.enumerated() {
        group.enter()
        Thread.detachNewThread {
            let result = Result<Void, ClusterError> { () throws(ClusterError) in
                do { try member.mesh.start() } catch let error as ClusterError { throw error } catch {
                    throw ClusterError.cannotListen(member.mesh.configuration.ownAddress, cause: "\(error)")
                }
            }
            results.withLock { $0[index] = result }
            group.leave()
        }
    }
    if group.wait(timeout: .now() + meshBoundSeconds + 15) != .success {
        Issue.record("a mesh start did not return: it hangs", sourceLocation: sourceLocation)
    }
    let outcome = results.withLock { $0 }
    return meshes.enumerated().map { index, member in
        (member, outcome[index] ?? .failure(.noAddresses))
    }
}

/// Configurations for `count` processes on fresh loopback ports.
func loopbackCluster(_ count: Int, secrets: [String?]? = nil) throws -> [ClusterConfiguration] {
    let addresses = try freeAddresses(count)
    return try (0..<count).map {
        try ClusterConfiguration(processID: ProcessID($0), addresses: addresses, secret: secrets?[$0] ?? nil)
    }
}

/// The error a start failed with, or nil (recording an issue) if it succeeded.
func startError(
    _ outcome: (MeshUnderTest, Result<Void, ClusterError>), sourceLocation: SourceLocation = #_sourceLocation
) -> ClusterError? {
    if case .failure(let error) = outcome.1 { return error }
    Issue.record("\(outcome.0.mesh.configuration.processID) started but should have failed", sourceLocation: sourceLocation)
    return nil
}
