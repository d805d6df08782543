import Dispatch
import Foundation
import SluiceCluster
import SluiceEngine
import Synchronization

/// Makes SIGINT and SIGTERM stop a run gracefully (with a recovery store it
/// suspends, else it drains: see `StopSignal`), so a tailing run can be
/// ended with Ctrl-C without losing output or state.
/// Keep the returned sources alive for as long as the run lasts.
///
/// ```swift
/// let stop = StopSignal()
/// configuration.stopSignal = stop
/// let handlers = stopOnSignals(stop)
/// defer { handlers.forEach { $0.cancel() } }
/// try run(flow, configuration: configuration)
/// ```
/// - Parameter stop: The run's stop signal.
/// - Returns: The signal sources (cancel them after the run).
public func stopOnSignals(_ stop: StopSignal) -> [DispatchSourceSignal] {
    catchSignals { _ in stop.requestStop() }
}

/// Catches `numbers` (SIGINT and SIGTERM by default) from now on: their
/// default action, ending the process, is turned off and `handler` is called
/// with the signal's number on a global queue. Keep the returned sources
/// alive while the signals should be caught; cancel them after.
///
/// ```swift
/// let sources = catchSignals { number in print("caught signal \(number)") }
/// defer { sources.forEach { $0.cancel() } }
/// ```
/// - Parameters:
///   - numbers: The signals to catch.
///   - handler: Called for each signal that arrives.
/// - Returns: The signal sources.
package func catchSignals(
    _ numbers: [Int32] = [SIGINT, SIGTERM], _ handler: @escaping @Sendable (Int32) -> Void
) -> [DispatchSourceSignal] {
    numbers.map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { handler(number) }
        source.resume()
        return source
    }
}

/// Runs a dataflow (this process's part of it, in a cluster) until its input
/// ends or SIGINT/SIGTERM asks it to stop (gracefully: with a recovery store
/// it suspends, else it drains, see `StopSignal`; in a cluster every process
/// stops), as the Kafka examples do. A
/// second signal exits the process at once with status 128 + its number
/// (130 for SIGINT, 143 for SIGTERM).
///
/// ```swift
/// try runStoppingOnSignals(flow, configuration: try options.configuration(for: flow), cluster: try options.cluster())
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - configuration: How to run it; its `stopSignal` is replaced.
///   - cluster: This process's place in a cluster; nil runs in this process alone.
///   - draining: Whether a signal drains the run (ends the input and flushes)
///     instead of suspending it (see `StopSignal`).
public func runStoppingOnSignals(
    _ flow: Dataflow, configuration: RunConfiguration, cluster: ClusterConfiguration? = nil, draining: Bool = false
) throws {
    var configuration = configuration
    let stop = StopSignal()
    configuration.stopSignal = stop
    let handlers = stopOrExitOnSignals(stop, draining: draining)
    defer { handlers.forEach { $0.cancel() } }
    try run(flow, configuration: configuration, cluster: cluster)
}

/// The command-line rule for SIGINT and SIGTERM: the first one stops the run
/// gracefully (with a line on standard error); a second one exits at once
/// with status 128 + its number, as a shell reports a process the signal killed.
///
/// ```swift
/// let handlers = stopOrExitOnSignals(stop)
/// defer { handlers.forEach { $0.cancel() } }
/// ```
/// - Parameters:
///   - stop: The run's stop signal.
///   - draining: Whether the stop drains instead of suspending.
/// - Returns: The signal sources (cancel them after the run).
package func stopOrExitOnSignals(_ stop: StopSignal, draining: Bool = false) -> [DispatchSourceSignal] {
    // Counts this process's own signals: a stop that came from another
    // process of the cluster (every member gets SIGTERM at about the same
    // time in a `systemctl stop` or a parallel pod deletion) is no first signal.
    let received = SignalCount()
    return catchSignals { number in
        if received.next() > 1 { exit(128 + number) }
        FileHandle.standardError.write(Data("sluice: stopping (signal \(number)); again to exit at once\n".utf8))
        stop.requestStop(draining: draining)
    }
}

/// How many of the stop signals a process caught so far.
private final class SignalCount: Sendable {
    private let count = Atomic<Int>(0)
    /// Counts one more signal; returns the new count.
    func next() -> Int { count.add(1, ordering: .relaxed).newValue }
}
