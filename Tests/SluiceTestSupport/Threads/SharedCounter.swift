import Synchronization

/// A counter shared between worker threads.
///
/// ```swift
/// let calls = SharedCounter()
/// stream.inspect("count") { _ in calls.increment() }
/// #expect(calls.count == 100)
/// ```
package final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Creates a counter at zero.
    package init() {}

    /// Adds one and returns the new count.
    @discardableResult
    package func increment() -> Int { value.add(1, ordering: .acquiringAndReleasing).newValue }

    /// The count so far.
    package var count: Int { value.load(ordering: .acquiring) }
}
