import Testing

/// Runs each test case of a test or suite on a thread of its own (a
/// `OnDemandThreadExecutor`), not on Swift's cooperative pool. Swift Testing
/// calls a synchronous test on a pool thread, and the pool has as many
/// threads as cores (two here): a handful of long blocking tests (child
/// processes, dataflow runs, polls) would otherwise stall every async test
/// of the process for minutes. Give it to suites whose tests block for long
/// (waiting, not computing). At most `width` such test cases run at once (the
/// others wait suspended), so moving them off the pool does not start them all
/// together.
///
/// ```swift
/// @Suite(.onOwnThread) struct ClusterKillTests {
///     @Test func theOthersStop() throws { … }   // blocks its own thread
/// }
/// ```
package struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    /// How many test cases with this trait run at once, in the whole process.
    package static let width = 3
    private static let limiter = AsyncLimiter(width: width)

    /// Applies to every test of a suite it is given to.
    package var isRecursive: Bool { true }

    package func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // Only a test case runs a test's body; a suite or test as a whole passes through.
        guard testCase != nil else { return try await function() }
        try await Self.limiter.holding {
            let executor = OnDemandThreadExecutor(name: "test-\(test.name.prefix(40))")
            try await withTaskExecutorPreference(executor) { try await function() }
        }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Runs each test case on a thread of its own (see `OwnThreadTrait`).
    package static var onOwnThread: Self { OwnThreadTrait() }
}
