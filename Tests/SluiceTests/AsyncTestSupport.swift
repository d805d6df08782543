import Dispatch
import Foundation
import Sluice
import Synchronization
import Testing

/// Thrown by `withinHangBound` when its body did not finish in time.
struct AsyncRunTimedOut: Error, CustomStringConvertible {
    var description: String { "the async run did not finish within \(Int(hangBound)) s: it hangs" }
}

/// Runs `body` on `DedicatedThreadExecutor.shared` and returns its value,
/// or records an issue and throws once `hangBound` passed (cancelling `body`,
/// but not waiting for it: a hung body must fail the test, not hang it).
/// The bound is kept by Dispatch, not by a task. Only a bound against hangs:
/// no test passes or fails on timing otherwise.
func withinHangBound<Value: Sendable>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome: Result<Value, any Error> = await withCheckedContinuation { continuation in
        let once = ResumeOnce(continuation)
        let work = Task(executorPreference: DedicatedThreadExecutor.shared) { once.resume(await Result(catching: body)) }
        DispatchQueue.global().asyncAfter(deadline: .now() + hangBound) {
            if once.resume(.failure(AsyncRunTimedOut())) { work.cancel() }
        }
    }
    if case .failure(let error) = outcome, error is AsyncRunTimedOut {
        Issue.record("did not finish within \(Int(hangBound)) s: it hangs", sourceLocation: sourceLocation)
    }
    return try outcome.get()
}

/// A task executor with one thread of its own. The async tests run their
/// tasks on it, not on Swift's global cooperative pool: other suites of this
/// test process run blocking tests on the pool's few threads, and a test
/// that waits for the pool would then fail or hang for reasons of its own.
/// On one thread, an awaiting run that blocked its thread would also starve
/// every other task here, so a test notices it.
final class DedicatedThreadExecutor: TaskExecutor {
    /// The executor every async test shares (it lives as long as the process).
    static let shared = DedicatedThreadExecutor(name: "test-executor")

    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in
            while true {
                available.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        available.signal()
    }
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
