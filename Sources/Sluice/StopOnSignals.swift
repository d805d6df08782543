import Dispatch
import Foundation
import SluiceEngine

/// Makes SIGINT and SIGTERM stop a run gracefully (sources end, sinks
/// flush), so a tailing run can be ended with Ctrl-C without losing output.
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
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.requestStop() }
        source.resume()
        return source
    }
}

/// Runs a dataflow until its input ends or SIGINT/SIGTERM asks it to stop
/// (gracefully: sources end, sinks flush), as the Kafka examples do.
///
/// ```swift
/// try runStoppingOnSignals(flow, configuration: RunConfiguration(workers: 2))
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - configuration: How to run it; its `stopSignal` is replaced.
public func runStoppingOnSignals(_ flow: Dataflow, configuration: RunConfiguration) throws {
    var configuration = configuration
    let stop = StopSignal()
    configuration.stopSignal = stop
    let handlers = stopOnSignals(stop)
    defer { handlers.forEach { $0.cancel() } }
    try run(flow, configuration: configuration)
}
