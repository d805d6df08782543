import Dispatch
import Foundation
import Sluice

/// Waits for SIGINT or SIGTERM. The signals are caught from the moment this
/// is created (their default action, ending the process, is turned off), so
/// one that arrives early is not lost.
final class StopSignals {
    private let received = DispatchSemaphore(value: 0)
    private let sources: [DispatchSourceSignal]

    init(_ numbers: [Int32] = [SIGINT, SIGTERM]) {
        let received = self.received
        sources = catchSignals(numbers) { _ in received.signal() }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Waits until a signal arrives or `seconds` pass.
    /// - Returns: True if a signal arrived.
    func wait(seconds: Double) -> Bool {
        received.wait(timeout: .now() + seconds) == .success
    }
}
