import Synchronization

/// Shared by the workers of one run: the first failure, and the stop flag that
/// makes every other worker return promptly.
package final class ExecutionControl: Sendable {
    private let firstError = Mutex<(any Error)?>(nil)
    private let stopped = Atomic<Bool>(false)
    private let mailboxes: [Mailbox]

    package init(mailboxes: [Mailbox]) { self.mailboxes = mailboxes }

    /// True once a worker failed; workers then stop at their next loop turn.
    package var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Records a failure (the first one wins) and wakes every worker to stop.
    package func fail(_ error: any Error) {
        firstError.withLock { if $0 == nil { $0 = error } }
        stopped.store(true, ordering: .releasing)
        for mailbox in mailboxes { mailbox.wake() }
    }

    /// The first failure, if any.
    package var error: (any Error)? { firstError.withLock { $0 } }
}
