import Synchronization

/// Follows, within one execution, which epoch every worker's snapshot has
/// durably reached (the same rule as `RecoveryStore`: the lowest last-written
/// epoch among running workers, the highest once all ended), and wakes the
/// workers when it advances so their committing sinks can commit.
package final class CommitTracker: Sendable {
    private struct Progress {
        var lastWritten: [Int: Epoch] = [:]
        var ended: Set<Int> = []
    }

    private let workerCount: Int
    private let progress = Mutex(Progress())
    /// The committed epoch's raw value; 0 while none is.
    private let committedRaw = Atomic<UInt64>(0)
    private let mailboxes: [Mailbox]
    /// Tells the other processes of a cluster about this process's writes.
    private let announce: (@Sendable (WorkerIndex, Epoch, Bool) -> Void)?
    /// Hears of this process's snapshots and of every commit (for monitoring).
    private let status: RunStatus?
    private let committedGauge = CommittedEpochGauge()
    /// Hears of every advance of the committed epoch (the recovery store's collection).
    private let onCommitted: (@Sendable (Epoch) -> Void)?

    /// - Parameters:
    ///   - workerCount: Workers in the whole run (every process).
    ///   - mailboxes: This process's inboxes, woken when the committed epoch advances.
    ///   - announce: Called with each local write, to tell the other processes.
    ///   - status: Told of each local write and each committed epoch.
    ///   - onCommitted: Told of each advance of the committed epoch (must return at once).
    package init(
        workerCount: Int, mailboxes: [Mailbox], announce: (@Sendable (WorkerIndex, Epoch, Bool) -> Void)? = nil,
        status: RunStatus? = nil, onCommitted: (@Sendable (Epoch) -> Void)? = nil
    ) {
        self.onCommitted = onCommitted
        self.workerCount = workerCount
        self.mailboxes = mailboxes
        self.announce = announce
        self.status = status
    }

    /// The latest epoch whose snapshot every worker has made durable, if any.
    package var committed: Epoch? {
        let raw = committedRaw.load(ordering: .acquiring)
        return raw == 0 ? nil : Epoch(raw)
    }

    /// A worker's write of `epoch` returned (it is durable).
    /// - Parameter announce: Whether to tell the other processes (false for
    ///   a write they told this one about).
    package func wrote(worker: WorkerIndex, epoch: Epoch, ended: Bool, announce: Bool = true) {
        if announce {
            self.announce?(worker, epoch, ended)
            status?.recordSnapshot(worker: worker, epoch: epoch)
        }
        let candidate: Epoch? = progress.withLock { state in
            state.lastWritten[worker.rawValue] = epoch
            if ended { state.ended.insert(worker.rawValue) }
            return CommitRule.committed(lastWritten: state.lastWritten, ended: state.ended, workerCount: workerCount)
        }
        guard let candidate else { return }
        var current = committedRaw.load(ordering: .relaxed)
        while candidate.rawValue > current {
            let (exchanged, original) = committedRaw.compareExchange(
                expected: current, desired: candidate.rawValue, ordering: .acquiringAndReleasing)
            if exchanged {
                status?.recordCommitted(candidate)
                committedGauge.record(candidate)
                onCommitted?(candidate)
                for mailbox in mailboxes { mailbox.wake() }
                return
            }
            current = original
        }
    }
}

/// Something a worker tells when epochs are committed (a committing sink step).
package protocol Committer: AnyObject {
    /// Every snapshot up to `epoch` is durable on every worker.
    func committed(upTo epoch: Epoch) throws
}
