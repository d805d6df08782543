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
    /// Tasks awaiting `value` or `result`, resumed from the run's thread.
    private let awaiters = Mutex(RunAwaiters())

    fileprivate init(stopSignal: StopSignal) { self.stopSignal = stopSignal }

    fileprivate func finish(_ result: Result<Void, any Error>) {
        outcome.withLock { $0 = result }
        done.signal()
        for waiter in awaiters.withLock({ $0.finish(result) }) { waiter.resume(returning: result) }
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

    /// How the run ended, awaited without blocking a thread: the awaiting
    /// task is suspended and resumed from the run's own thread. Cancelling
    /// the awaiting task asks the run to stop gracefully (as `stop()`: with
    /// a recovery store it suspends) and still waits for it to end.
    ///
    /// ```swift
    /// let running = start(plan, configuration: RunConfiguration(workers: 2))
    /// if case .failure(let error) = await running.result { print(error) }
    /// ```
    public var result: Result<Void, any Error> {
        get async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { waiter in
                    if let ended = awaiters.withLock({ $0.register(waiter) }) { waiter.resume(returning: ended) }
                }
            } onCancel: {
                stop()
            }
        }
    }

    /// Waits, without blocking a thread, until the run ends (the `async`
    /// `wait()`, like `Task.value`); cancelling the awaiting task stops the
    /// run gracefully and then returns (or throws) as the run ends.
    ///
    /// ```swift
    /// let running = start(plan, configuration: RunConfiguration(workers: 2), cluster: cluster)
    /// try await running.value
    /// ```
    /// - Throws: The run's error.
    public var value: Void {
        get async throws { try await result.get() }
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

/// Runs `body` on a new thread with `configuration` (given the handle's stop
/// signal) and returns the handle that learns how it ended (for the `start`
/// functions of Sluice's modules).
///
/// ```swift
/// let running = launch(configuration) { settings in try run(flow, configuration: settings) }
/// ```
package func launch(
    _ configuration: RunConfiguration, _ body: @escaping @Sendable (RunConfiguration) throws -> Void
) -> RunningDataflow {
    var configuration = configuration
    let stopSignal = configuration.stopSignal ?? StopSignal()
    configuration.stopSignal = stopSignal
    let running = RunningDataflow(stopSignal: stopSignal)
    let settings = configuration
    let thread = Thread { running.finish(Result { try body(settings) }) }
    thread.name = "sluice-run"
    thread.stackSize = 8 << 20
    thread.start()
    return running
}
