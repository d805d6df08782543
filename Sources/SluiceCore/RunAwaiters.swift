/// The tasks awaiting a background run's end, and that end once it came: a
/// small state machine that `RunningDataflow` keeps under one lock, so a task
/// that registers just as the run finishes is either resumed by `finish` or
/// sees the outcome itself, never neither.
struct RunAwaiters {
    typealias Waiter = CheckedContinuation<Result<Void, any Error>, Never>

    private var waiters: [Waiter] = []
    private var outcome: Result<Void, any Error>?

    /// Records the outcome; returns the waiters to resume (outside the lock).
    mutating func finish(_ result: Result<Void, any Error>) -> [Waiter] {
        outcome = result
        defer { waiters = [] }
        return waiters
    }

    /// Registers `waiter`, or returns the outcome when the run already ended
    /// (the caller then resumes `waiter` itself).
    mutating func register(_ waiter: Waiter) -> Result<Void, any Error>? {
        if let outcome { return outcome }
        waiters.append(waiter)
        return nil
    }
}
