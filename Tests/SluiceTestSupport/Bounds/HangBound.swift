import Dispatch
import Foundation
import SluiceEngine
import Testing

/// How long a run, a service group or a wait may take before a test calls it
/// hung. Generous, and only a bound: no test passes or fails on timing otherwise.
///
/// ```swift
/// let ended = try running.wait(timeout: hangBound)
/// ```
package let hangBound: Duration = .seconds(30)

extension DispatchTime {
    /// `bound` from now, for Dispatch waits bounded by a `Duration`.
    ///
    /// ```swift
    /// semaphore.wait(timeout: .after(hangBound))
    /// ```
    package static func after(_ bound: Duration) -> DispatchTime { .now() + bound.seconds }
}

/// Runs `body` on `OnDemandThreadExecutor.shared` and returns its value,
/// or records an issue and throws once `bound` (`hangBound` unless given) passed (cancelling `body`,
/// but not waiting for it: a hung body must fail the test, not hang it).
/// The bound is kept by Dispatch, not by a task.
///
/// ```swift
/// let result = try await withinHangBound { try await plan.run(configuration: configuration) }
/// ```
package func withinHangBound<Value: Sendable>(
    _ bound: Duration = hangBound, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = await raceAgainstBound(bound, body)
    if case .failure(let error as BoundPassed) = outcome {
        Issue.record("\(error)", sourceLocation: sourceLocation)
    }
    return try outcome.get()
}
