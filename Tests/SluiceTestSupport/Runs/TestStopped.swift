/// Thrown by the helpers after they recorded why a test cannot go on (a hang,
/// a run that should have failed), so the test stops without a second issue.
///
/// ```swift
/// guard let result = runBounded(flow, configuration: configuration) else { throw TestStopped() }
/// ```
package struct TestStopped: Error {
    /// Creates the error.
    package init() {}
}

