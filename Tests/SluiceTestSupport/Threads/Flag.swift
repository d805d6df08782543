import Synchronization

/// A flag set by one thread (a sink, an inspect step) and read by others (a source).
///
/// ```swift
/// let seen = Flag()
/// stream.inspect("seen") { _ in seen.set() }
/// ```
package final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Creates an unset flag.
    package init() {}

    /// Sets the flag (for good).
    package func set() { value.store(true, ordering: .releasing) }

    /// True once `set()` was called.
    package var isSet: Bool { value.load(ordering: .acquiring) }
}
