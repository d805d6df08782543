import NIOCore
import Synchronization

/// An established connection to one peer and the bytes queued on it.
package final class PeerLink: Sendable {
    package let peer: ProcessID
    package let channel: any Channel
    /// Bytes handed to `send` and not yet written to the socket.
    package let pendingBytes = Atomic<Int>(0)
    private let metrics: PeerMetrics?

    package init(peer: ProcessID, channel: any Channel) {
        self.peer = peer
        self.channel = channel
        self.metrics = PeerMetrics(peer: peer)
    }

    /// Writes one frame and counts its bytes until the write completes.
    package func write(_ frame: Frame) {
        let buffer = frame.encoded(allocator: channel.allocator)
        let size = buffer.readableBytes
        pendingBytes.add(size, ordering: .relaxed)
        metrics?.sent(size)
        channel.writeAndFlush(buffer).whenComplete { [self] _ in
            pendingBytes.subtract(size, ordering: .relaxed)
        }
    }
}
