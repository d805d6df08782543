import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM. The signals are caught from the moment this
/// is created (their default action, ending the process, is turned off), so
/// one that arrives early is not lost.
final class StopSignals {
    private let received = DispatchSemaphore(value: 0)
    private let sources: [DispatchSourceSignal]

    init(_ numbers: [Int32] = [SIGINT, SIGTERM]) {
        let received = self.received
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received.signal() }
            source.resume()
            return source
        }
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
