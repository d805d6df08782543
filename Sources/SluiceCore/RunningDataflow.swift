import Foundation
import SluiceEngine
import Synchronization

/// A dataflow running on a background thread, started with `start(_:configuration:)`.
///
/// ```swift
/// let running = start(flow, configuration: RunConfiguration(workers: 2))
/// // … later:
/// running.stop()             // graceful: suspends with a recovery store, else drains
/// try running.wait()         // returns, or throws the run's error
/// ```
public final class RunningDataflow: Sendable {
    private let stopSignal: StopSignal
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Void, any Error>?>(nil)

    fileprivate init(stopSignal: StopSignal) { self.stopSignal = stopSignal }

    fileprivate func finish(_ result: Result<Void, any Error>) {
        outcome.withLock { $0 = result }
        done.signal()
    }

    /// Asks the run to stop gracefully; returns at once (see `wait`). With a
    /// recovery store the run suspends (the next run continues its open
    /// windows and other state); without one, or with `draining`, its
    /// sources end and every step flushes (see `StopSignal`).
    /// - Parameter draining: End the input and flush, even with a recovery store.
    public func stop(draining: Bool = false) { stopSignal.requestStop(draining: draining) }

    /// True once the run has returned or failed.
    public var isFinished: Bool { outcome.withLock { $0 != nil } }

    /// Waits until the run ends.
    /// - Throws: The run's error.
    public func wait() throws {
        done.wait()
        done.signal()
        try outcome.withLock { $0! }.get()
    }

    /// Waits until the run ends or `timeout` passes.
    /// - Returns: True if the run ended (successfully), false on timeout.
    /// - Throws: The run's error.
    public func wait(timeout: Duration) throws -> Bool {
        guard done.wait(timeout: .now() + timeout.seconds) == .success else { return false }
        done.signal()
        try outcome.withLock { $0! }.get()
        return true
    }
}

/// Starts a dataflow on a background thread and returns at once.
///
/// ```swift
/// let running = start(flow, configuration: RunConfiguration(workers: 2))
/// running.stop()
/// try running.wait()
/// ```
/// - Parameters:
///   - flow: The dataflow (do not change it afterwards).
///   - configuration: How to run it; its `stopSignal` is replaced by the handle's.
/// - Returns: A handle to stop and wait for the run.
public func start(_ flow: Dataflow, configuration: RunConfiguration) -> RunningDataflow {
    var configuration = configuration
    let stopSignal = configuration.stopSignal ?? StopSignal()
    configuration.stopSignal = stopSignal
    let running = RunningDataflow(stopSignal: stopSignal)
    let graph = UncheckedBox(flow.graph)
    let settings = configuration
    let thread = Thread {
        running.finish(Result { try Execution.run(graph.value, configuration: settings) })
    }
    thread.name = "sluice-run"
    thread.start()
    return running
}
