import Foundation
import Testing

/// Polls `condition` every few milliseconds until it holds; records an issue
/// and throws `TestStopped` if it still does not after `bound`. It blocks its
/// thread: from an async test, call it inside `onOwnThread`.
///
/// ```swift
/// try waitUntil("both workers read") { readers.elements.count == 2 }
/// ```
package func waitUntil(
    _ what: @autoclosure () -> String, bound: Duration = hangBound, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + bound
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up after \(bound) waiting until \(what())", sourceLocation: sourceLocation)
            throw TestStopped()
        }
        Thread.sleep(forTimeInterval: 0.005)  // a poll interval, not a synchronization
    }
}
