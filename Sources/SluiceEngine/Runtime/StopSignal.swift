import Synchronization

/// Asks a running dataflow to stop gracefully, in one of two ways:
///
/// - **Suspend** (`requestStop()` on a run with a recovery store): every
///   source stops where it is, what it read is processed and written, and
///   the last epoch is snapshotted *without* ending the input: open windows,
///   `collect` buffers, join state and `…Final` aggregates stay in the
///   snapshot, and the next run with the same store continues them, so a run
///   stopped and resumed any number of times emits what an uninterrupted
///   run emits (Flink's stop-with-savepoint).
/// - **Drain** (`requestStop(draining: true)`, and every stop of a run
///   without a recovery store, where suspending would lose the state): every
///   source ends as if its input were exhausted, so stateful steps flush
///   what they hold (open windows are emitted with what they have so far).
///
/// Either way sinks flush and close (exactly-once sinks commit the last
/// epoch) and `run` returns normally. For endless (tailing) sources,
/// shutdown on SIGTERM, and tests. In a cluster, a stop requested in any one
/// process stops every process of the cluster the same way.
///
/// ```swift
/// let stop = StopSignal()
/// var config = RunConfiguration(workers: 2)
/// config.stopSignal = stop
/// Thread { try? run(flow, configuration: config) }.start()
/// // … later, from any thread:
/// stop.requestStop()
/// ```
public final class StopSignal: Sendable {
    private let requested = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)
    private let wakers = Mutex<[@Sendable () -> Void]>([])

    /// Creates a signal that has not been raised.
    public init() {}

    /// True once a stop was requested.
    public var isStopRequested: Bool { requested.load(ordering: .acquiring) }

    /// True when the stop asked to drain (end the input and flush).
    public var isDrainRequested: Bool { draining.load(ordering: .acquiring) }

    /// Requests the stop; safe from any thread, idempotent: only the first
    /// request counts (it decides between suspending and draining, wakes the
    /// run and tells the other processes of a cluster), so every worker of
    /// a run stops the same way.
    ///
    /// ```swift
    /// stop.requestStop()                  // suspend (with a recovery store)
    /// stop.requestStop(draining: true)    // end the input and flush everything
    /// ```
    /// - Parameter draining: End the input and flush every step, instead of
    ///   suspending (a run without a recovery store always drains).
    public func requestStop(draining: Bool = false) {
        // Under the lock, so a waker registered concurrently is either
        // called here or sees the flag set and calls itself.
        let wake: [@Sendable () -> Void] = wakers.withLock { registered in
            guard !requested.load(ordering: .acquiring) else { return [] }
            self.draining.store(draining, ordering: .releasing)
            requested.store(true, ordering: .releasing)
            return registered
        }
        for call in wake { call() }
    }

    /// Registers what to do when the stop is requested (called by the
    /// engine: wake sleeping workers, tell the other processes). Runs at
    /// once when the stop was already requested.
    package func onStop(_ wake: @escaping @Sendable () -> Void) {
        let already = wakers.withLock { registered -> Bool in
            if requested.load(ordering: .acquiring) { return true }
            registered.append(wake)
            return false
        }
        if already { wake() }
    }
}
