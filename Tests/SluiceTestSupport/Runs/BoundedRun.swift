import Foundation
import Sluice
import SluiceEngine
import Testing

/// The worker counts every flow test runs with.
package let workerCounts = [1, 2, 3]

/// Runs `flow` (started in the background) and returns how it ended, or nil
/// after recording an issue if it neither returned nor threw within `bound`
/// (see `outcome(of:)`). `run` must never hang, so every test of a run goes
/// through here or through `runToEnd`.
///
/// ```swift
/// let result = runBounded(flow, configuration: RunConfiguration(workers: 2))
/// #expect(throws: DataflowError.self) { try result?.get() }
/// ```
package func runBounded(
    _ flow: Dataflow, configuration: RunConfiguration, bound: Duration = hangBound, onHang: () -> Void = {},
    sourceLocation: SourceLocation = #_sourceLocation
) -> Result<Void, any Error>? {
    outcome(of: start(flow, configuration: configuration), bound: bound, onHang: onHang, sourceLocation: sourceLocation)
}

/// How a started run ended, or nil after recording an issue if it did not
/// end within `bound`: the hung run is then asked to stop and `onHang` is
/// called (to let a test's source end, so the stray run finishes).
///
/// ```swift
/// let running = start(flow, configuration: configuration)
/// running.stop()
/// #expect(throws: Never.self) { try outcome(of: running)?.get() }
/// ```
package func outcome(
    of running: RunningDataflow, bound: Duration = hangBound, onHang: () -> Void = {},
    sourceLocation: SourceLocation = #_sourceLocation
) -> Result<Void, any Error>? {
    do {
        if try running.wait(timeout: bound) { return .success(()) }
    } catch {
        return .failure(error)
    }
    running.stop()
    onHang()
    Issue.record("the run did not return within \(bound): it hangs", sourceLocation: sourceLocation)
    return nil
}

/// Waits for a started run to end (bounded as `outcome(of:)`) and rethrows
/// its error; a hang is recorded as an issue and throws `TestStopped`.
///
/// ```swift
/// running.stop()
/// try awaitEnd(running)
/// ```
package func awaitEnd(
    _ running: RunningDataflow, bound: Duration = hangBound, onHang: () -> Void = {},
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    guard let result = outcome(of: running, bound: bound, onHang: onHang, sourceLocation: sourceLocation) else {
        throw TestStopped()
    }
    try result.get()
}

/// Runs `flow` to its end (bounded as `runBounded`) and rethrows the run's
/// error; a hang is recorded as an issue and throws `TestStopped`.
///
/// ```swift
/// try runToEnd(flow, configuration: recoveryConfiguration(workers: 2, store: store))
/// ```
package func runToEnd(
    _ flow: Dataflow, configuration: RunConfiguration, bound: Duration = hangBound, onHang: () -> Void = {},
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try awaitEnd(start(flow, configuration: configuration), bound: bound, onHang: onHang, sourceLocation: sourceLocation)
}

/// `runToEnd` with `workers` workers, epochs of `epochInterval` and, if
/// given, `maxPendingItemsPerWorker`; other settings are the defaults.
///
/// ```swift
/// try runToEnd(flow, workers: 2, epochInterval: .milliseconds(5)) { tracker.cancel() }
/// ```
package func runToEnd(
    _ flow: Dataflow, workers: Int, epochInterval: Duration = .seconds(10), maxPendingItemsPerWorker: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, onHang: () -> Void = {}
) throws {
    var configuration = RunConfiguration(workers: workers, epochInterval: epochInterval)
    if let maxPendingItemsPerWorker { configuration.maxPendingItemsPerWorker = maxPendingItemsPerWorker }
    try runToEnd(flow, configuration: configuration, onHang: onHang, sourceLocation: sourceLocation)
}

/// Runs `flow` (bounded) and returns the `DataflowError` it must fail with;
/// records an issue and throws `TestStopped` if it succeeds, hangs or fails
/// with another error.
///
/// ```swift
/// let error = try expectRunFails(flow, configuration: RunConfiguration(workers: 2))
/// #expect(error.description.contains("explode"))
/// ```
package func expectRunFails(
    _ flow: Dataflow, configuration: RunConfiguration, bound: Duration = hangBound,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataflowError {
    guard let result = runBounded(flow, configuration: configuration, bound: bound, sourceLocation: sourceLocation) else {
        throw TestStopped()
    }
    switch result {
    case .success:
        Issue.record("the run succeeded but should have failed", sourceLocation: sourceLocation)
        throw TestStopped()
    case .failure(let error):
        return try #require(
            error as? DataflowError, "expected a DataflowError, got \(type(of: error)): \(error)",
            sourceLocation: sourceLocation)
    }
}

/// `expectRunFails` with `workers` workers and otherwise default settings.
///
/// ```swift
/// let error = try expectRunFails(flow, workers: 3)
/// ```
package func expectRunFails(
    _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataflowError {
    try expectRunFails(flow, configuration: RunConfiguration(workers: workers), sourceLocation: sourceLocation)
}

/// Runs `flow` (bounded) and requires it to succeed: a failure or a hang is
/// recorded as an issue and throws `TestStopped`.
///
/// ```swift
/// try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 2))
/// ```
package func expectRunSucceeds(
    _ flow: Dataflow, configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    guard let result = runBounded(flow, configuration: configuration, sourceLocation: sourceLocation) else {
        throw TestStopped()
    }
    if case .failure(let error) = result {
        Issue.record("the run failed: \(error)", sourceLocation: sourceLocation)
        throw TestStopped()
    }
}

/// `expectRunSucceeds` with `workers` workers and otherwise default settings.
///
/// ```swift
/// try expectRunSucceeds(flow, workers: 1)
/// ```
package func expectRunSucceeds(_ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers), sourceLocation: sourceLocation)
}

/// A configuration that snapshots every 1 ms epoch into `store` (so a short
/// run spans many epochs), for recovery tests.
///
/// ```swift
/// try runToEnd(flow, configuration: recoveryConfiguration(workers: 2, store: InMemoryRecoveryStore()))
/// ```
package func recoveryConfiguration(workers: Int, store: any RecoveryStore) -> RunConfiguration {
    var configuration = RunConfiguration(workers: workers)
    configuration.epochInterval = .milliseconds(1)
    configuration.recoveryStore = store
    return configuration
}
