import Logging
import Synchronization

/// Logs, once, that the stores a re-homing run read are no longer needed:
/// when the run's first epoch is committed across the cluster, every live
/// key has a version in the new layout's stores (decision 0018).
///
/// ```swift
/// let release = FormerStoreRelease(logger: logger)
/// release.expect(["/data/process-2"], at: Epoch(58))
/// release.committed(Epoch(58))   // logs once
/// ```
package final class FormerStoreRelease: Sendable {
    private let logger: Logger
    private let pending = Mutex<(paths: [String], epoch: Epoch)?>(nil)

    /// - Parameter logger: Where the notice goes.
    package init(logger: Logger) { self.logger = logger }

    /// The former stores at `paths` are released once `epoch` is committed.
    package func expect(_ paths: [String], at epoch: Epoch) {
        pending.withLock { $0 = (paths, epoch) }
    }

    /// The cluster committed `epoch`.
    package func committed(_ epoch: Epoch) {
        let due: [String]? = pending.withLock { state in
            guard let current = state, epoch >= current.epoch else { return nil }
            state = nil
            return current.paths
        }
        guard let due else { return }
        logger.notice(
            "recovery: the re-homed state is committed (epoch \(epoch)); the stores of the old layout are no longer needed",
            metadata: due.isEmpty ? [:] : ["deletable": "\(due.joined(separator: ", "))"])
    }
}
