import Dispatch
import Foundation
import Sluice
import AsyncTestSupport
import Synchronization
import Testing

extension Signal {
    /// Waits for `fire()` (at most `hangBound`) on a thread of its own, so the
    /// awaiting task never blocks a thread of the cooperative pool.
    func waitAsync() async {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                self.wait()
                continuation.resume()
            }
        }
    }
}
