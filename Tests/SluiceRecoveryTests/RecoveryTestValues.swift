import Synchronization

/// An error thrown from a test's closure, to see it come back unchanged.
struct ExpectedFailure: Error, Equatable {}

/// A value behind a lock that escaping closures (threads) can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    /// Creates the box.
    init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with the value locked.
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
