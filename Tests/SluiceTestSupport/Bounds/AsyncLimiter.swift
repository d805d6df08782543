import Synchronization

/// Lets at most `width` holders in at once; the others wait suspended (no
/// thread blocks), in arrival order. `OwnThreadTrait` uses one so that the
/// blocking tests moved off the cooperative pool do not all run at once.
///
/// ```swift
/// let limiter = AsyncLimiter(width: 3)
/// try await limiter.holding { try await body() }
/// ```
package final class AsyncLimiter: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// A limiter admitting `width` holders at once.
    package init(width: Int) { state = Mutex(State(available: max(1, width))) }

    /// Runs `body` once admitted, and lets the next waiter in afterwards.
    package func holding<Value>(_ body: () async throws -> Value) async rethrows -> Value {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state -> Bool in
                guard state.available > 0 else {
                    state.waiters.append(continuation)
                    return false
                }
                state.available -= 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
