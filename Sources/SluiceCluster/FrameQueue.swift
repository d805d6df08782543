import Foundation
import SluiceEngine

/// A thread-safe queue of received frames for consumers on plain threads:
/// pass `append` as a mesh's frame handler and call `next(timeout:)`.
///
/// ```swift
/// let inbox = FrameQueue()
/// let mesh = ClusterMesh(configuration: configuration, fingerprint: "flow-v1", onFrame: inbox.append)
/// try mesh.start()
/// if let (from, bytes) = inbox.next(timeout: .seconds(5)) { print(from, bytes.count) }
/// ```
public final class FrameQueue: @unchecked Sendable {
    // @unchecked: `frames`, `head` and `bytes` are only touched under `condition`.
    private let condition = NSCondition()
    private var frames: [(ProcessID, [UInt8])] = []
    private var head = 0
    private var bytes = 0

    /// Creates an empty queue.
    public init() {}

    /// Adds a frame and wakes a waiting reader.
    /// - Parameters:
    ///   - peer: The sender.
    ///   - payload: The frame's bytes.
    @Sendable public func append(_ peer: ProcessID, _ payload: [UInt8]) {
        condition.lock()
        frames.append((peer, payload))
        bytes += payload.count
        condition.signal()
        condition.unlock()
    }

    /// Bytes received and not yet taken (for back-pressure decisions).
    public var pendingBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }

    /// Takes the oldest frame, waiting up to `timeout` for one.
    /// - Parameter timeout: The longest wait.
    /// - Returns: The sender and the bytes, or nil if none came in time.
    public func next(timeout: Duration) -> (ProcessID, [UInt8])? {
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while head == frames.count {
            guard condition.wait(until: deadline) else { return nil }
        }
        let frame = frames[head]
        head += 1
        bytes -= frame.1.count
        if head == frames.count {
            frames.removeAll(keepingCapacity: true)
            head = 0
        }
        return frame
    }
}
