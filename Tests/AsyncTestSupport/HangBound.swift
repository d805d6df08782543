import Dispatch
import Foundation
import Testing

/// How long a run, a service group or a wait may take before a test calls it
/// hung. Generous, and only a bound: no test passes or fails on timing otherwise.
package let hangBound: TimeInterval = 30

/// Runs `body` on `DedicatedThreadExecutor.shared` and returns its value,
/// or records an issue and throws once `seconds` (`hangBound` unless given) passed (cancelling `body`,
/// but not waiting for it: a hung body must fail the test, not hang it).
/// The bound is kept by Dispatch, not by a task.
///
/// ```swift
/// let result = try await withinHangBound { try await plan.run(configuration: configuration) }
/// ```
package func withinHangBound<Value: Sendable>(
    seconds: TimeInterval = hangBound, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = await raceAgainstBound(seconds: seconds, body)
    if case .failure(let error) = outcome, error is BoundPassed {
        Issue.record("did not finish within \(Int(seconds)) s: it hangs", sourceLocation: sourceLocation)
    }
    return try outcome.get()
}
