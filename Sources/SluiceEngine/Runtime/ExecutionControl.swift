import Synchronization

/// Shared by the workers of one run: the first failure, and the stop flag that
/// makes every other worker return promptly.
package final class ExecutionControl: Sendable {
    private let firstError = Mutex<(any Error)?>(nil)
    private let stopped = Atomic<Bool>(false)
    private let mailboxes: [Mailbox]
    private let onFirstFailure: (@Sendable (any Error) -> Void)?

    /// - Parameters:
    ///   - mailboxes: This process's inboxes, woken on failure.
    ///   - onFirstFailure: Called once with the first failure (e.g. to tell the other processes).
    package init(mailboxes: [Mailbox], onFirstFailure: (@Sendable (any Error) -> Void)? = nil) {
        self.mailboxes = mailboxes
        self.onFirstFailure = onFirstFailure
    }

    /// True once a worker failed; workers then stop at their next loop turn.
    package var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Records a failure (the first one wins) and wakes every worker to stop.
    package func fail(_ error: any Error) {
        let isFirst = firstError.withLock { current -> Bool in
            guard current == nil else { return false }
            current = error
            return true
        }
        stopped.store(true, ordering: .releasing)
        for mailbox in mailboxes { mailbox.wake() }
        if isFirst { onFirstFailure?(error) }
    }

    /// The first failure, if any.
    package var error: (any Error)? { firstError.withLock { $0 } }
}
