import AsyncTestSupport
import Foundation
import Sluice
import Synchronization
import Testing

/// Hands a value that is not `Sendable` to one other thread.
// @unchecked: the sender gives the value up when it creates the handoff and
// never touches it again; only the receiving thread uses it from then on.
struct Handoff<Value>: @unchecked Sendable {
    let value: Value
}

/// What a background run ended with.
private final class RunOutcome: Sendable {
    let result = Mutex<Result<Void, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
}

/// Runs `flow` on a background thread and returns how it ended, or nil (after
/// recording an issue) if it neither returned nor threw within `hangBound`.
/// `run` must never hang, so every test of a failing run goes through here.
func runBounded(
    _ flow: Dataflow, configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation
) -> Result<Void, any Error>? {
    let outcome = RunOutcome()
    let handoff = Handoff(value: flow)
    let thread = Thread {
        let result = Result { try run(handoff.value, configuration: configuration) }
        outcome.result.withLock { $0 = result }
        outcome.done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard outcome.done.wait(timeout: .now() + hangBound) == .success else {
        Issue.record("run did not return within \(Int(hangBound)) s: it hangs", sourceLocation: sourceLocation)
        return nil
    }
    return outcome.result.withLock { $0 }
}

/// Thrown by the helpers after they recorded why a test cannot go on.
struct TestStopped: Error {}

/// Runs `flow` (bounded) and returns the `DataflowError` it must fail with.
func expectRunFails(
    _ flow: Dataflow, configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataflowError {
    guard let result = runBounded(flow, configuration: configuration, sourceLocation: sourceLocation) else {
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
func expectRunFails(
    _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataflowError {
    try expectRunFails(flow, configuration: RunConfiguration(workers: workers), sourceLocation: sourceLocation)
}

/// Runs `flow` (bounded) and requires it to succeed.
func expectRunSucceeds(
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

/// The error user code throws in these tests; its text must reach the message.
struct Boom: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { "boom: \(reason)" }
}

/// A one-shot signal between threads whose waiter remembers whether it was
/// signalled or gave up (so the test can check it on its own thread).
final class Signal: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let fired = Atomic<Bool>(false)
    private let waitTimedOut = Atomic<Bool>(false)

    /// Signals once; later calls do nothing.
    func fire() {
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            semaphore.signal()
        }
    }

    /// Waits for `fire()`, at most `hangBound`.
    func wait() {
        if semaphore.wait(timeout: .now() + hangBound) == .timedOut {
            waitTimedOut.store(true, ordering: .releasing)
        }
    }

    /// True if a `wait()` gave up before the signal came.
    var timedOut: Bool { waitTimedOut.load(ordering: .acquiring) }
}

/// The first key `key-N` that `StableHash` routes to `worker` of `workerCount`.
func key(routedTo worker: Int, of workerCount: Int, prefix: String = "key-") -> String {
    (0...).lazy.map { "\(prefix)\($0)" }.first { StableHash.route($0, workerCount: workerCount) == worker }!
}

/// Requires `body` to throw `DataflowError.invalidConfiguration` and returns its reason.
func invalidConfiguration(
    _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    let error = try #require(throws: DataflowError.self, sourceLocation: sourceLocation) { try body() }
    guard case .invalidConfiguration(let reason) = error else {
        Issue.record("expected invalidConfiguration, got \(error)", sourceLocation: sourceLocation)
        throw TestStopped()
    }
    return reason
}
