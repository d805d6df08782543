import Foundation
import SluiceBackup

#if canImport(Glibc)
import Glibc
#endif

/// A local S3-compatible server for tests: `moto_server` (PyPI
/// `moto[server]`, installed by `scripts/ensure-deps.sh`) on 127.0.0.1 at a
/// free port, started, waited for until it answers, and stopped (also on
/// release). Each server keeps its buckets in memory.
///
/// ```swift
/// let moto = try MotoServer()
/// let backup = try moto.backup(bucket: "b")
/// ```
final class MotoServer: @unchecked Sendable {
    // @unchecked: `process` is set once in init; stop() is idempotent under `lock`.

    /// Why moto could not be started here (nil: it can).
    static let unavailableReason: String? = {
        do {
            let server = try MotoServer()
            server.stop()
            return nil
        } catch {
            let reason = "moto_server cannot be started (\(error)); run scripts/ensure-deps.sh (pip install 'moto[server]')"
            print("SluiceBackupTests: skipping the tests against a local S3 server: \(reason)")
            return reason
        }
    }()

    /// True when moto can be started.
    static var isAvailable: Bool { unavailableReason == nil }

    /// The port it listens on.
    let port: Int
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// The endpoint URL.
    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Starts a server and waits (up to 30 s) until it answers.
    /// - Parameter environment: Extra environment (e.g. `INITIAL_NO_AUTH_ACTION_COUNT=0` to check credentials).
    init(environment: [String: String] = [:]) throws {
        guard let executable = Self.findExecutable() else {
            throw MotoError("moto_server is not on PATH")
        }
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let probe = RecoveryBackup(location: BackupLocation(bucket: "probe", prefix: ""), settings: settings())
        let deadline = Date().addingTimeInterval(30)
        while true {
            do {
                try probe.checkAccess()
                return
            } catch BackupError.unreachable {
                guard process.isRunning, Date() < deadline else {
                    stop()
                    throw MotoError("moto_server on port \(port) did not answer within 30 s")
                }
                Thread.sleep(forTimeInterval: 0.1)  // polling a child process that offers no readiness signal
            } catch {
                return  // any HTTP answer (NoSuchBucket) means it serves
            }
        }
    }

    deinit { stop() }

    /// Settings for this server (moto accepts any credentials unless told otherwise).
    func settings(accessKeyID: String = "testing", secret: String = "testing", timeout: Double = 20) -> S3Settings {
        var settings = S3Settings(endpoint: endpoint, accessKeyID: accessKeyID, secretAccessKey: secret)
        settings.requestTimeout = timeout
        return settings
    }

    /// A backup at `s3://bucket/prefix` on this server, creating the bucket.
    func backup(bucket: String, prefix: String = "sluice", timeout: Double = 20) throws -> RecoveryBackup {
        let backup = RecoveryBackup(location: BackupLocation(bucket: bucket, prefix: prefix), settings: settings(timeout: timeout))
        try backup.createBucket()
        return backup
    }

    /// Freezes the server (SIGSTOP): requests hang until they time out.
    func pause() { kill(process.processIdentifier, SIGSTOP) }

    /// Lets a frozen server go on (SIGCONT).
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Stops the server and waits for it to exit.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        // moto's development server does not exit on SIGTERM; its state is in memory only.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func findExecutable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/moto_server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A port the kernel reports free on 127.0.0.1 (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw MotoError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw MotoError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why moto could not be started.
struct MotoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
