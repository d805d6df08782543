import Foundation
import Sluice
import Synchronization
import Testing

/// Thrown by `withinHangBound` when its body did not finish in time.
struct AsyncRunTimedOut: Error, CustomStringConvertible {
    var description: String { "the async run did not finish within \(Int(hangBound)) s: it hangs" }
}

/// Runs `body` and returns its value, or records an issue and throws once
/// `hangBound` passed (cancelling `body`, but not waiting for it: a hung
/// body must fail the test, not hang it). Only a bound against hangs: no
/// test passes or fails on timing otherwise.
func withinHangBound<Value: Sendable>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome: Result<Value, any Error> = await withCheckedContinuation { continuation in
        let once = ResumeOnce(continuation)
        let work = Task { once.resume(await Result(catching: body)) }
        Task {
            try? await Task.sleep(for: .seconds(hangBound))
            if once.resume(.failure(AsyncRunTimedOut())) {
                Issue.record("did not finish within \(Int(hangBound)) s: it hangs", sourceLocation: sourceLocation)
            }
            work.cancel()
        }
    }
    return try outcome.get()
}

/// Resumes a continuation with the first of several racing outcomes.
private final class ResumeOnce<Value: Sendable>: Sendable {
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
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
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
