import Foundation
import SluiceRecovery
import SluiceTestSupport
import Testing

@testable import SluiceBackup

/// What a backup refuses: corrupted or truncated objects on restore (named),
/// refused credentials and an unreachable endpoint at start (within seconds).
@Suite(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
struct BackupRefusalTests {
    /// A backup of three epochs: a base (epoch 1) and two segments.
    private func backedUp(_ backup: RecoveryBackup, in dir: TemporaryDirectory) throws -> BackupManifest {
        let store = try SQLiteRecoveryStore(directory: dir.file("s"), flowID: DirectStoreWrites.flowID, partitions: 2)
        try store.beginExecution(workerCount: 1)
        let uploader = BackupUploader(backup: backup, directory: dir.file("s"), name: "p", store: store, interval: .zero)
        for epoch in UInt64(1)...3 {
            try DirectStoreWrites.write(store, epochs: epoch...epoch)
            uploader.committed(Int64(epoch))
            #expect(uploader.waitUntilUploaded(Int64(epoch), timeout: .seconds(20)))
        }
        try uploader.finish(timeout: .seconds(10))
        return try #require(try backup.latestManifest(name: "p"))
    }

    @Test func aCorruptedSegmentIsRefusedNamingIt() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "corrupt")
        let dir = try TemporaryDirectory()
        let manifest = try backedUp(backup, in: dir)
        let segment = try #require(manifest.segments.last)
        var bytes = try backup.client.get(key: segment.key)
        bytes[bytes.count / 2] ^= 0xFF
        try backup.client.put(key: segment.key, body: bytes)

        let target = dir.file("restored")
        let error = #expect(throws: BackupError.self) { try backup.restore(name: "p", to: target) }
        guard case let .corruptObject(bucket, key, _)? = error else {
            Issue.record("expected corruptObject, got \(String(describing: error))")
            return
        }
        #expect(bucket == "corrupt" && key == segment.key)
        #expect(error?.description.contains("s3://corrupt/\(segment.key)") == true)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aTruncatedSegmentIsRefusedNamingIt() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "truncated")
        let dir = try TemporaryDirectory()
        let manifest = try backedUp(backup, in: dir)
        let segment = try #require(manifest.segments.first)
        let bytes = try backup.client.get(key: segment.key)
        try backup.client.put(key: segment.key, body: bytes.prefix(bytes.count - 10))
        let error = #expect(throws: BackupError.self) { try backup.restore(name: "p", to: dir.file("restored")) }
        #expect(error?.description.contains(segment.key) == true)
        #expect(error?.description.contains("corrupt or truncated") == true)
    }

    @Test func aTruncatedManifestIsRefusedNamingIt() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "manifest")
        let dir = try TemporaryDirectory()
        _ = try backedUp(backup, in: dir)
        let key = backup.manifestKey("p")
        let bytes = try backup.client.get(key: key)
        try backup.client.put(key: key, body: bytes.prefix(bytes.count / 2))
        let target = dir.file("restored")
        let error = #expect(throws: BackupError.self) { try backup.restoreIfMissing(directory: target, name: "p") }
        guard case let .corruptObject(_, named, _)? = error else {
            Issue.record("expected corruptObject, got \(String(describing: error))")
            return
        }
        #expect(named == key)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func refusedCredentialsStopAtStartNamingBucketAndEndpoint() throws {
        let moto = try MotoServer(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "0"])
        let backup = RecoveryBackup(
            location: BackupLocation(bucket: "guarded", prefix: "x"), settings: moto.settings(accessKeyID: "AKIDWRONG"))
        let started = ContinuousClock.now
        let error = #expect(throws: BackupError.self) { try backup.checkAccess() }
        #expect(ContinuousClock.now - started < .seconds(20), "a hang, not a refusal")
        guard case let .requestFailed(_, endpoint, bucket, _, status, code, _)? = error else {
            Issue.record("expected requestFailed, got \(String(describing: error))")
            return
        }
        #expect(status == 403 && code == "InvalidAccessKeyId")
        #expect(bucket == "guarded" && endpoint.contains("127.0.0.1:\(moto.port)"))
        #expect(error?.description.contains("AWS_ACCESS_KEY_ID") == true)
    }

    @Test func anUnreachableEndpointStopsAtStartNamingIt() throws {
        let port = try MotoServer.freePort()  // nothing listens there
        var settings = S3Settings(endpoint: URL(string: "http://127.0.0.1:\(port)")!, accessKeyID: "k", secretAccessKey: "s")
        settings.requestTimeout = 5
        let backup = RecoveryBackup(location: BackupLocation(bucket: "nowhere", prefix: ""), settings: settings)
        let started = ContinuousClock.now
        let error = #expect(throws: BackupError.self) { try backup.checkAccess() }
        #expect(ContinuousClock.now - started < .seconds(20), "a hang, not a refusal")
        guard case let .unreachable(endpoint, bucket, _)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(endpoint.contains("127.0.0.1:\(port)") && bucket == "nowhere")
    }

    @Test func aMissingBucketIsRefusedNamingIt() throws {
        let moto = try MotoServer()
        let backup = RecoveryBackup(location: BackupLocation(bucket: "absent", prefix: "p"), settings: moto.settings())
        let error = #expect(throws: BackupError.self) { try backup.checkAccess() }
        #expect(error?.description.contains("absent") == true)
        #expect(error?.description.contains("NoSuchBucket") == true)
    }
}
