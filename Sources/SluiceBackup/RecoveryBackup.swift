import Crypto
import Foundation
import Logging

/// Backups of recovery store directories in an S3 bucket: each store
/// under its own name (`s3://bucket/prefix/<name>/`), as a base, segments
/// and a manifest (see `docs/backup.md`). Restores a store that is missing,
/// lists what the bucket holds, and makes uploaders.
///
/// ```swift
/// let backup = try RecoveryBackup(url: "s3://backups/orders", environment: ProcessInfo.processInfo.environment)
/// try backup.checkAccess()                                   // fails within seconds when unreachable
/// try backup.restoreIfMissing(directory: "/var/lib/orders/process-2", name: "process-2")
/// ```
public final class RecoveryBackup: Sendable {
    /// What ``restoreIfMissing(directory:name:)`` did.
    public enum RestoreOutcome: Sendable, Equatable {
        /// The directory already holds a store: nothing restored.
        case storePresent
        /// Restored, resuming from this committed epoch.
        case restored(epoch: Int64)
        /// No backup under that name yet: the run starts from scratch.
        case noBackup
    }

    /// One store's backup, as listed.
    public struct Entry: Sendable, Equatable {
        /// The store's name.
        public let name: String
        /// Its manifest.
        public let manifest: BackupManifest
    }

    /// Where backups live.
    public let location: BackupLocation
    let client: S3Client
    let logger: Logger

    /// A backup at `url` with settings from the AWS environment variables.
    /// - Parameters:
    ///   - url: `s3://bucket/prefix`.
    ///   - environment: The environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, credentials…).
    ///   - logger: Where upload retries are logged.
    /// - Throws: ``BackupError`` for a malformed URL or a missing setting.
    public convenience init(url: String, environment: [String: String], logger: Logger = Logger(label: "sluice.backup")) throws {
        try self.init(location: BackupLocation(parsing: url), settings: S3Settings(environment: environment), logger: logger)
    }

    /// A backup from its parts.
    /// - Parameters:
    ///   - location: Bucket and prefix.
    ///   - settings: Endpoint, region and credentials.
    ///   - logger: Where upload retries are logged.
    public init(location: BackupLocation, settings: S3Settings, logger: Logger = Logger(label: "sluice.backup")) {
        self.location = location
        self.client = S3Client(settings: settings, bucket: location.bucket)
        self.logger = logger
    }

    /// The endpoint, as errors name it.
    public var endpoint: String { client.endpoint }

    /// Checks that the bucket answers and accepts the credentials (one small
    /// list request), so a misconfigured backup stops a run at start.
    /// - Throws: ``BackupError/unreachable(endpoint:bucket:reason:)`` or
    ///   ``BackupError/requestFailed(operation:endpoint:bucket:key:status:code:message:)``.
    public func checkAccess() throws {
        _ = try client.list(prefix: location.storePrefix("") + ".sluice-access-check")
    }

    /// Creates the bucket (tests and local servers).
    package func createBucket() throws { try client.createBucket() }

    /// The manifest key of a store.
    func manifestKey(_ name: String) -> String { location.storePrefix(name) + "manifest.json" }

    /// The latest manifest of a store, nil when there is none.
    /// - Throws: ``BackupError`` for an unreachable bucket or a corrupt manifest.
    public func latestManifest(name: String) throws -> BackupManifest? {
        let key = manifestKey(name)
        let data: Data
        do { data = try client.get(key: key) } catch BackupError.missingObject { return nil }
        return try BackupManifest.decode(data, bucket: location.bucket, key: key)
    }

    /// Every store backed up under the prefix, with its manifest.
    public func list() throws -> [Entry] {
        let root = location.storePrefix("")
        let keys = try client.list(prefix: root).map(\.key).filter { $0.hasSuffix("/manifest.json") }
        return try keys.sorted().map { key in
            let name = String(key.dropFirst(root.count).dropLast("/manifest.json".count))
            let manifest = try BackupManifest.decode(try client.get(key: key), bucket: location.bucket, key: key)
            return Entry(name: name, manifest: manifest)
        }
    }

    /// Restores the store `name` into `directory` when the directory is
    /// missing or holds no store; does nothing when it holds one.
    /// - Returns: What was done.
    /// - Throws: ``BackupError`` naming the object, bucket or directory.
    @discardableResult
    public func restoreIfMissing(directory: String, name: String) throws -> RestoreOutcome {
        if FileManager.default.fileExists(atPath: directory), try !StoreExport.partitionIndices(in: directory).isEmpty {
            return .storePresent
        }
        guard let epoch = try restore(name: name, to: directory) else { return .noBackup }
        logger.info("restored the recovery store from the backup",
                    metadata: ["directory": "\(directory)", "backup": "\(location)/\(name)", "epoch": "\(epoch)"])
        return .restored(epoch: epoch)
    }

    /// Restores the latest backup of `name` into `directory` (missing or empty).
    /// - Returns: The committed epoch restored, nil when there is no backup.
    /// - Throws: ``BackupError`` naming a corrupt or missing object, or the directory.
    @discardableResult
    public func restore(name: String, to directory: String) throws -> Int64? {
        // A manifest replaced while we read may name objects already deleted: read the new one.
        var attempts = 0
        while true {
            attempts += 1
            guard let manifest = try latestManifest(name: name) else { return nil }
            do {
                let base = try fetchArchive(manifest.base)
                let segments = try manifest.segments.map(fetchArchive)
                try StoreRestore.write(base: base, segments: segments, to: directory)
                return manifest.epoch
            } catch BackupError.missingObject(let bucket, let key) where attempts < 3 {
                guard try latestManifest(name: name) != manifest else { throw BackupError.missingObject(bucket: bucket, key: key) }
            }
        }
    }

    /// Downloads an object, checks its SHA-256 and decodes it.
    func fetchArchive(_ object: BackupManifest.Object) throws -> BackupArchive {
        let data = try client.get(key: object.key)
        let digest = SigV4Signer.hex(SHA256.hash(data: data))
        guard digest == object.sha256 else {
            throw BackupError.corruptObject(
                bucket: location.bucket, key: object.key,
                reason: "its SHA-256 is \(digest), the manifest says \(object.sha256) (\(data.count) of \(object.size) bytes)")
        }
        do {
            let archive = try BackupArchive(decoding: Array(data))
            guard archive.through == object.through, archive.after == object.after else {
                throw ArchiveProblem("it spans (\(archive.after ?? -1), \(archive.through)], the manifest says otherwise")
            }
            return archive
        } catch {
            throw BackupError.corruptObject(bucket: location.bucket, key: object.key, reason: "\(error)")
        }
    }
}
