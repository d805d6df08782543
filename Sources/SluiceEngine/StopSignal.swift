import Synchronization

/// Asks a running dataflow to stop gracefully: every source ends as if its
/// input were exhausted, so stateful steps flush, sinks flush and close, and
/// `run` returns normally. For endless (tailing) sources, shutdown on SIGTERM,
/// and tests.
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

    /// Requests the stop; safe from any thread, idempotent.
    public func requestStop() {
        requested.store(true, ordering: .releasing)
        for wake in wakers.withLock({ $0 }) { wake() }
    }

    /// Registers a way to wake sleeping workers (called by the engine).
    package func onStop(_ wake: @escaping @Sendable () -> Void) { wakers.withLock { $0.append(wake) } }
}
