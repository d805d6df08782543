import SluiceEngine

/// Runs a dataflow on `workers` threads of this process and returns when all
/// its inputs are exhausted and every step has flushed, or throws the first
/// error (a failing step, source or sink), after every worker has stopped.
///
/// ```swift
/// try run(flow, workers: 4)
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - workers: Worker threads (at least 1).
/// - Throws: `DataflowError` naming the step and cause.
public func run(_ flow: Dataflow, workers: Int) throws {
    try run(flow, configuration: RunConfiguration(workers: workers))
}

/// Runs a dataflow with a full configuration.
///
/// ```swift
/// var config = RunConfiguration(workers: 2)
/// config.epochInterval = .seconds(1)
/// try run(flow, configuration: config)
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - configuration: Workers, epoch length, logger…
/// - Throws: `DataflowError` naming the step and cause.
public func run(_ flow: Dataflow, configuration: RunConfiguration) throws {
    try Execution.run(flow.graph, configuration: configuration)
}

/// Runs a dataflow on one worker: the simplest way to run, as in tests and
/// scripts.
///
/// ```swift
/// try runMain(flow)
/// ```
/// - Parameter flow: The dataflow.
/// - Throws: `DataflowError` naming the step and cause.
public func runMain(_ flow: Dataflow) throws {
    try run(flow, workers: 1)
}
