import Synchronization

/// Asks a running dataflow to stop gracefully: every source ends as if its
/// input were exhausted, so stateful steps flush, sinks flush and close, and
/// `run` returns normally. For endless (tailing) sources, shutdown on SIGTERM,
/// and tests. In a cluster, a stop requested in any one process stops every
/// process of the cluster the same way.
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
    private let wakers = Mutex<[@Sendable () -> Void]>([])

    /// Creates a signal that has not been raised.
    public init() {}

    /// True once a stop was requested.
    public var isStopRequested: Bool { requested.load(ordering: .acquiring) }

    /// Requests the stop; safe from any thread, idempotent (only the first
    /// request wakes the run and tells the other processes of a cluster).
    public func requestStop() {
        // Under the lock, so a waker registered concurrently is either
        // called here or sees the flag set and calls itself.
        let wake: [@Sendable () -> Void] = wakers.withLock { registered in
            guard requested.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return [] }
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
