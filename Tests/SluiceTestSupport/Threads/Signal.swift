import Dispatch
import Foundation
import Synchronization

/// A one-shot signal between threads and tasks: once fired, every waiter
/// (present and future) passes. A blocking wait gives up after `hangBound`
/// and remembers it, so a test can report a missing signal rather than hang;
/// `waitAsync` waits on a thread of its own, never on the cooperative pool.
///
/// ```swift
/// let started = Signal()
/// flow.input("in", source).inspect("seen") { _ in started.fire() }
/// let running = start(flow, configuration: RunConfiguration(workers: 2))
/// #expect(started.wait())
/// ```
package final class Signal: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let fired = Atomic<Bool>(false)
    private let gaveUp = Atomic<Bool>(false)

    /// Creates an unfired signal.
    package init() {}

    /// Fires once; later calls do nothing.
    package func fire() {
        if fired.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            semaphore.signal()
        }
    }

    /// True once `fire()` was called.
    package var hasFired: Bool { fired.load(ordering: .acquiring) }

    /// Blocks until `fire()`, at most `bound`.
    /// - Returns: True if the signal fired, false if the wait gave up (then `timedOut` is true).
    @discardableResult
    package func wait(bound: Duration = hangBound) -> Bool {
        if hasFired { return true }
        guard semaphore.wait(timeout: .after(bound)) == .success else {
            gaveUp.store(true, ordering: .releasing)
            return false
        }
        semaphore.signal()  // pass the token on to the next waiter
        return true
    }

    /// `wait` on a thread of its own, so the awaiting task never blocks a
    /// thread of the cooperative pool.
    /// - Returns: True if the signal fired, false if the wait gave up.
    @discardableResult
    package func waitAsync(bound: Duration = hangBound) async -> Bool {
        (try? await onOwnThread("signal-wait") { self.wait(bound: bound) }) ?? false
    }

    /// True if a wait gave up before the signal fired.
    package var timedOut: Bool { gaveUp.load(ordering: .acquiring) }
}
