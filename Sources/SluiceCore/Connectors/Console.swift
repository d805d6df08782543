import Foundation
import Synchronization

/// Standard output shared by all workers: each call writes its text in one
/// unbuffered piece, so lines from `StdOutSink` and `inspectDebug` never
/// interleave or reorder.
package enum Console {
    private static let lock = Mutex<Void>(())

    /// Writes `text` to standard output at once.
    package static func write(_ text: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
