import Foundation
import Synchronization

/// The lock that keeps a second process off a cluster member's store
/// (decision 0018): an `flock` on `DIR/.process-<p>.lock`, taken without
/// waiting and holding the holder's pid. Within one process the lock is
/// shared and counted (a run that just returned may still hold its store
/// while the next run opens it; members of one cluster have distinct ids),
/// so only another process is refused.
///
/// ```swift
/// let lock = try MemberStoreLock.acquire("/data/.process-1.lock", store: "/data/process-1")
/// defer { MemberStoreLock.release(lock) }
/// ```
enum MemberStoreLock {
    private static let held = Mutex<[String: (handle: Int32, users: Int)]>([:])

    /// Takes (or shares) the lock of `path`.
    /// - Throws: ``RecoveryStoreError/storeInUse(path:pid:)`` naming `store` when another process holds it.
    static func acquire(_ path: String, store: String) throws -> String {
        try held.withLock { locks in
            if let known = locks[path] {
                locks[path] = (known.handle, known.users + 1)
                return path
            }
            let handle = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
            guard handle >= 0 else {
                throw RecoveryStoreError.unusablePath(
                    path: path, reason: "cannot create the lock file: \(RecoveryDirectory.systemReason(errno))")
            }
            guard flock(handle, LOCK_EX | LOCK_NB) == 0 else {
                let pid = (try? String(contentsOfFile: path, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                close(handle)
                throw RecoveryStoreError.storeInUse(path: store, pid: pid?.isEmpty == false ? pid : nil)
            }
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(handle, 0)
            _ = pid.withUnsafeBytes { pwrite(handle, $0.baseAddress, $0.count, 0) }
            locks[path] = (handle, 1)
            return path
        }
    }

    /// Gives the lock back; the last user in this process closes it.
    static func release(_ path: String) {
        held.withLock { locks in
            guard let known = locks[path] else { return }
            if known.users > 1 {
                locks[path] = (known.handle, known.users - 1)
            } else {
                close(known.handle)
                locks[path] = nil
            }
        }
    }
}
