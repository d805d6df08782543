import Foundation
import Sluice
import Synchronization
import Testing

/// The worker counts every flow test runs with.
let workerCounts = [1, 2, 3]

/// How long a run may take before a test calls it hung. Only a bound: no test
/// passes or fails on timing otherwise.
let hangBound: Duration = .seconds(30)

/// Runs `flow` in the background and returns how it ended, or nil (after
/// recording an issue) if it did not end within `hangBound`.
func runBounded(
    _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
) -> Result<Void, any Error>? {
    let running = start(flow, configuration: RunConfiguration(workers: workers))
    do {
        if try running.wait(timeout: hangBound) { return .success(()) }
        Issue.record("run did not end within \(hangBound): it hangs", sourceLocation: sourceLocation)
        running.stop()
        return nil
    } catch {
        return .failure(error)
    }
}

/// Thrown by the helpers after they recorded why a test cannot go on.
struct TestStopped: Error {}

/// Runs `flow` (bounded) and requires it to succeed.
func expectRunSucceeds(_ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let result = runBounded(flow, workers: workers, sourceLocation: sourceLocation) else { throw TestStopped() }
    if case .failure(let error) = result {
        Issue.record("the run failed: \(error)", sourceLocation: sourceLocation)
        throw TestStopped()
    }
}

/// Runs `flow` (bounded) and returns the `DataflowError` it must fail with.
func expectRunFails(
    _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataflowError {
    guard let result = runBounded(flow, workers: workers, sourceLocation: sourceLocation) else { throw TestStopped() }
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
