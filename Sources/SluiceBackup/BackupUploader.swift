import Crypto
import Foundation
import Logging
import SluiceRecovery

/// Uploads one store directory's committed snapshots to its backup, on its
/// own thread (never a worker's), at most once per interval: the first
/// upload (and every `baseEvery` uploads after it) is a full *base*, the
/// others *segments* with the rows since the last upload; the manifest is
/// written last. A failed attempt is logged naming bucket and key, counted
/// in `sluice_backup_upload_failures_total` and retried with back-off; the
/// next success covers every epoch since the last one.
///
/// ```swift
/// let uploader = BackupUploader(backup: backup, directory: dir, name: "process-0", store: store)
/// uploader.committed(12)          // the engine committed epoch 12
/// try uploader.finish()           // uploads what is committed, then stops
/// ```
public final class BackupUploader: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`; `manifest`
    // and `sinceBase` are only touched by the upload thread (and by
    // `uploadNow`, which holds `uploadLock` as the thread does).

    /// The backup.
    public let backup: RecoveryBackup
    /// The store directory.
    public let directory: String
    /// The store's name under the prefix.
    public let name: String
    private let store: SQLiteRecoveryStore?
    private let interval: Duration
    private let baseEvery: Int
    private let metrics: BackupMetrics
    private let condition = NSCondition()
    /// Held while the files are read and uploaded (`pausingUploads` waits for it).
    private let uploadLock = NSLock()
    private var latestCommitted: Int64?
    private var uploadedEpoch: Int64?
    private var needsBase = true
    private var stopping = false
    private var finished = false
    private var stopDeadline = Date.distantFuture
    private var lastError: BackupError?
    /// Failed attempts in all.
    private var failures = 0
    /// Failed attempts since the last success (sets the back-off).
    private var failuresInARow = 0
    private var manifest: BackupManifest?
    private var sinceBase = 0
    private var thread: Thread?
    private var backoffCap: Duration = .seconds(30)
    /// Back-off after the n-th failure in a row: 0.2 s doubling, at most this (default 30 s).
    package var maxBackoff: Duration {
        get { condition.lock(); defer { condition.unlock() }; return backoffCap }
        set { condition.lock(); backoffCap = newValue; condition.unlock() }
    }

    /// An uploader for `directory`.
    /// - Parameters:
    ///   - backup: Where to upload.
    ///   - directory: The store directory.
    ///   - name: The store's name under the prefix (`process-2`).
    ///   - store: The open store, so garbage collection keeps what the next
    ///     upload needs (nil: the caller keeps enough backup epochs).
    ///   - interval: The least time between uploads (the `-b` backup interval).
    ///   - baseEvery: A new base after this many segments.
    public init(
        backup: RecoveryBackup, directory: String, name: String, store: SQLiteRecoveryStore?,
        interval: Duration = .seconds(10), baseEvery: Int = 10
    ) {
        self.backup = backup
        self.directory = directory
        self.name = name
        self.store = store
        self.interval = interval
        self.baseEvery = max(1, baseEvery)
        self.metrics = BackupMetrics(name: name)
        store?.holdCollection(through: -1)
        // The thread keeps the uploader alive until `finish()` lets its loop return.
        let thread = Thread { self.loop() }
        thread.name = "sluice-backup-\(name)"
        self.thread = thread
        thread.start()
    }

    /// Tells the uploader that `epoch` is committed.
    public func committed(_ epoch: Int64) {
        condition.lock()
        if epoch > (latestCommitted ?? .min) {
            latestCommitted = epoch
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The committed epoch the bucket's manifest reaches (nil: none uploaded yet).
    public var uploaded: Int64? {
        condition.lock()
        defer { condition.unlock() }
        return uploadedEpoch
    }

    /// Failed attempts so far.
    public var failureCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return failures
    }

    /// Waits until the manifest reaches `epoch` or `timeout` passes.
    /// - Returns: True when it reached it.
    package func waitUntilUploaded(_ epoch: Int64, timeout: Duration) -> Bool {
        waitFor(timeout: timeout) { ($0.uploadedEpoch ?? .min) >= epoch }
    }

    /// Waits until at least `count` attempts failed or `timeout` passes.
    /// - Returns: True when they did.
    package func waitForFailures(atLeast count: Int, timeout: Duration) -> Bool {
        waitFor(timeout: timeout) { $0.failures >= count }
    }

    private func waitFor(timeout: Duration, _ done: (BackupUploader) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(Self.seconds(timeout))
        condition.lock()
        defer { condition.unlock() }
        while !done(self) {
            if !condition.wait(until: deadline) { return done(self) }
        }
        return true
    }

    /// Runs `body` while no upload reads the files (e.g. the store's
    /// compaction at the start of an execution), and makes the next upload a base.
    public func pausingUploads<T>(_ body: () throws -> T) rethrows -> T {
        uploadLock.lock()
        defer { uploadLock.unlock() }
        condition.lock()
        needsBase = true
        condition.unlock()
        return try body()
    }

    /// Uploads what is committed (ignoring the interval), waits until the
    /// manifest reaches it, and stops the thread.
    /// - Parameter timeout: How long to keep retrying.
    /// - Throws: The last upload error when the timeout passes first.
    public func finish(timeout: Duration = .seconds(60)) throws {
        let deadline = Date().addingTimeInterval(Self.seconds(timeout))
        condition.lock()
        stopping = true
        stopDeadline = deadline
        condition.broadcast()
        while !finished {
            if !condition.wait(until: deadline.addingTimeInterval(5)) { break }
        }
        let (done, error, target, reached) = (finished, lastError, latestCommitted, uploadedEpoch)
        condition.unlock()
        if !done || (target != nil && reached != target) {
            throw error ?? BackupError.localFile(path: directory, reason: "the final upload did not finish in time")
        }
    }

    /// The upload thread: waits for a committed epoch the bucket lacks and
    /// the interval since the last attempt, uploads, and repeats; once
    /// stopping, uploads what is pending at once and exits (or gives up at
    /// the stop deadline).
    private func loop() {
        var lastAttempt: ContinuousClock.Instant?
        while true {
            condition.lock()
            while true {
                let pending = latestCommitted.map { $0 > (uploadedEpoch ?? .min) } ?? false
                if stopping && (!pending || Date() >= stopDeadline) {
                    finished = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                if pending {
                    if stopping { break }
                    let due = lastAttempt.map { $0.advanced(by: max(interval, .milliseconds(50))) } ?? .now
                    if due <= .now { break }
                    _ = condition.wait(until: Date().addingTimeInterval(Self.seconds(ContinuousClock.now.duration(to: due))))
                } else {
                    condition.wait()
                }
            }
            condition.unlock()
            lastAttempt = .now
            uploadOnce()
        }
    }

    /// One attempt; on failure, waits the back-off before returning.
    private func uploadOnce() {
        do {
            try uploadLock.withLock { try upload() }
            condition.lock()
            failuresInARow = 0
            lastError = nil
            condition.unlock()
        } catch {
            let failure = error as? BackupError ?? .localFile(path: directory, reason: "\(error)")
            metrics.failed()
            condition.lock()
            failures += 1
            failuresInARow += 1
            lastError = failure
            let attempt = failuresInARow
            condition.broadcast()
            condition.unlock()
            backup.logger.warning(
                "backup upload failed; retrying",
                metadata: ["bucket": "\(backup.location.bucket)", "store": "\(name)", "attempt": "\(attempt)",
                           "error": "\(failure)"])
            condition.lock()
            let backoff = min(Self.seconds(backoffCap), 0.2 * pow(2, Double(min(attempt - 1, 10))))
            let until = min(Date().addingTimeInterval(backoff), stopping ? stopDeadline : .distantFuture)
            while Date() < until { _ = condition.wait(until: until) }
            condition.unlock()
        }
    }

    /// Reads and uploads a base or a segment, then the manifest, then
    /// deletes what no manifest needs (after a base).
    private func upload() throws {
        condition.lock()
        let base = needsBase || manifest == nil || sinceBase >= baseEvery
        // Told before the read, so every write it covers is in the files read.
        let known = latestCommitted
        condition.unlock()
        let previous = base ? nil : manifest
        let export = try StoreExport.read(directory: directory, after: previous?.epoch, known: known)
        guard let committed = export.committed, committed > (previous?.epoch ?? .min) else {
            // Nothing new is committed in the files yet (the engine's notice ran ahead of our read).
            markUploaded(previous?.epoch)
            return
        }
        let archive = BackupArchive(kind: base ? .base : .segment, after: previous?.epoch, through: committed, files: export.files)
        let bytes = Data(archive.encoded())
        let digest = SigV4Signer.hex(SHA256.hash(data: bytes))
        let prefix = backup.location.storePrefix(name)
        let key = base
            ? "\(prefix)base-\(Self.padded(committed))-\(digest).sbk"
            : "\(prefix)segment-\(Self.padded(previous!.epoch))-\(Self.padded(committed))-\(digest).sbk"
        try backup.client.put(key: key, body: bytes)
        let object = BackupManifest.Object(
            key: key, sha256: digest, size: bytes.count, after: previous?.epoch, through: committed)
        let next = BackupManifest(
            format: BackupManifest.currentFormat, name: name, epoch: committed, base: previous?.base ?? object,
            segments: base ? [] : previous!.segments + [object], writtenAt: ISO8601DateFormatter().string(from: Date()))
        try backup.client.put(key: backup.manifestKey(name), body: next.encoded())
        manifest = next
        sinceBase = base ? 0 : sinceBase + 1
        condition.lock()
        if base { needsBase = false }
        condition.unlock()
        store?.holdCollection(through: committed)
        markUploaded(committed)
        metrics.uploaded(epoch: committed)
        if base { deleteUnneeded(keeping: Set(next.objectKeys + [backup.manifestKey(name)]), under: prefix) }
    }

    /// Deletes objects under the store's prefix that the manifest does not name (best effort: logged).
    private func deleteUnneeded(keeping needed: Set<String>, under prefix: String) {
        do {
            for object in try backup.client.list(prefix: prefix) where !needed.contains(object.key) {
                try backup.client.delete(key: object.key)
            }
        } catch {
            backup.logger.warning(
                "backup: could not delete superseded objects (they stay until the next base)",
                metadata: ["bucket": "\(backup.location.bucket)", "prefix": "\(prefix)", "error": "\(error)"])
        }
    }

    private func markUploaded(_ epoch: Int64?) {
        condition.lock()
        if let epoch { uploadedEpoch = max(uploadedEpoch ?? epoch, epoch) }
        if let latest = latestCommitted, let epoch, latest < epoch { latestCommitted = epoch }
        condition.broadcast()
        condition.unlock()
    }

    /// A key-sortable epoch.
    private static func padded(_ epoch: Int64) -> String {
        let text = String(max(0, epoch))
        return String(repeating: "0", count: max(0, 12 - text.count)) + text
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
