import Foundation

/// Lets connector code that waits inside one call (a producer whose queue
/// is full while its broker is unreachable) notice that the run is stopping
/// — another worker or process failed — instead of waiting out its own
/// timeouts. Read on a worker thread; false elsewhere.
///
/// ```swift
/// while queueIsFull {
///     if RunStopping.isRequested { throw MyError.stopped }
///     pollForRoom()
/// }
/// ```
package enum RunStopping {
    private static let key = "sluice.executionControl"

    /// True when the run of the calling worker thread is stopping after a failure.
    package static var isRequested: Bool {
        (Thread.current.threadDictionary[key] as? ExecutionControl)?.isStopped ?? false
    }

    /// Marks the calling thread as a worker of the run `control` stops.
    static func register(_ control: ExecutionControl) {
        Thread.current.threadDictionary[key] = control
    }
}
