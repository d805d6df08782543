import Foundation

/// Runs blocking `body` on a thread of its own and awaits its outcome, so the
/// awaiting test holds no thread of Swift's cooperative pool while `body`
/// blocks (a dataflow run, a child process, a long poll). The pool has as many
/// threads as cores (two here), and Swift Testing runs a synchronous test on
/// one of them: a few long blocking tests stall every async test of the run.
///
/// ```swift
/// @Test func aLongRun() async throws {
///     try await onOwnThread {
///         let flow = makeFlow()
///         try runToEnd(flow, workers: 2)
///     }
/// }
/// ```
/// - Parameters:
///   - name: The thread's name (seen in a debugger or a hang's backtrace).
///   - body: The blocking work; it must end by itself (bound its waits).
/// - Returns: What `body` returns.
/// - Throws: What `body` throws.
package func onOwnThread<Value: Sendable>(
    _ name: String = "test-blocking", _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }
}
