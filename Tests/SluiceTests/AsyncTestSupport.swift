import Dispatch
import Foundation
import Sluice
import AsyncTestSupport
import Synchronization
import Testing

/// Runs `body` on `DedicatedThreadExecutor.shared` and returns its value,
/// or records an issue and throws once `hangBound` passed (cancelling `body`,
/// but not waiting for it: a hung body must fail the test, not hang it).
/// The bound is kept by Dispatch, not by a task. Only a bound against hangs:
/// no test passes or fails on timing otherwise.
func withinHangBound<Value: Sendable>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = await raceAgainstBound(seconds: hangBound, body)
    if case .failure(let error) = outcome, error is BoundPassed {
        Issue.record("did not finish within \(Int(hangBound)) s: it hangs", sourceLocation: sourceLocation)
    }
    return try outcome.get()
}

extension Signal {
    /// Waits for `fire()` (at most `hangBound`) on a thread of its own, so the
    /// awaiting task never blocks a thread of the cooperative pool.
    func waitAsync() async {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                self.wait()
                continuation.resume()
            }
        }
    }
}
