import Dispatch
import Foundation
import Synchronization

/// Thrown by `raceAgainstBound` when its body did not finish in time.
package struct BoundPassed: Error, CustomStringConvertible {
    /// The bound.
    package let bound: Duration
    package var description: String { "did not finish within \(bound): it hangs" }
}

/// Runs `body` on `OnDemandThreadExecutor.shared` and returns its outcome,
/// or `BoundPassed` once `bound` passed (cancelling `body`, but not
/// waiting for it: a hung body must fail the test, not hang it). The bound
/// is kept by Dispatch, not by a task. Shared by the async test targets,
/// which record an issue on `BoundPassed`.
///
/// ```swift
/// let outcome = await raceAgainstBound(.seconds(30)) { try await plan.run(configuration: configuration) }
/// ```
package func raceAgainstBound<Value: Sendable>(
    _ bound: Duration, _ body: @escaping @Sendable () async throws -> Value
) async -> Result<Value, any Error> {
    await withCheckedContinuation { continuation in
        let once = ResumeOnce(continuation)
        let work = Task(executorPreference: OnDemandThreadExecutor.shared) { once.resume(await Result(catching: body)) }
        DispatchQueue.global().asyncAfter(deadline: .after(bound)) {
            if once.resume(.failure(BoundPassed(bound: bound))) { work.cancel() }
        }
    }
}

/// Resumes a continuation with the first of several racing outcomes.
final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<Value, any Error>, Never>?>

    init(_ continuation: CheckedContinuation<Result<Value, any Error>, Never>) {
        self.continuation = Mutex(continuation)
    }

    /// Resumes with `outcome` unless already resumed; returns whether it did.
    @discardableResult
    func resume(_ outcome: Result<Value, any Error>) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: outcome)
        return true
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    package init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
