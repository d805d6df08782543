import CoreMetrics
import NIOCore
import SluiceEngine

/// The metrics of one cluster peer (label `peer`: its process id): bytes
/// of data frames sent to it and received from it (framing included), and
/// the heartbeat round trip. Nothing is recorded without a metrics backend.
///
/// ```swift
/// let metrics = PeerMetrics(peer: ProcessID(1))
/// metrics?.sent(1_024)
/// ```
package struct PeerMetrics: Sendable {
    private let bytesSent: Counter
    private let bytesReceived: Counter
    private let heartbeatRTT: CoreMetrics.Timer

    /// Nil without a metrics backend.
    package init?(peer: ProcessID) {
        guard SluiceMetrics.isRecording else { return nil }
        let labels = [("peer", String(peer.rawValue))]
        bytesSent = Counter(label: SluiceMetrics.Name.clusterBytesSent, dimensions: labels)
        bytesReceived = Counter(label: SluiceMetrics.Name.clusterBytesReceived, dimensions: labels)
        heartbeatRTT = CoreMetrics.Timer(label: SluiceMetrics.Name.clusterHeartbeatRTT, dimensions: labels)
    }

    /// Counts bytes written to the peer.
    package func sent(_ bytes: Int) { bytesSent.increment(by: bytes) }

    /// Counts bytes read from the peer.
    package func received(_ bytes: Int) { bytesReceived.increment(by: bytes) }

    /// Records a heartbeat's round trip.
    package func roundTrip(nanoseconds: UInt64) { heartbeatRTT.recordNanoseconds(Int64(clamping: nanoseconds)) }
}

/// Heartbeat payloads that measure the round trip: a ping carries its send
/// time (`MonotonicNanos`), the peer answers with a pong carrying it back.
/// An empty heartbeat (older peers) asks for nothing and is ignored.
///
/// ```swift
/// let ping = HeartbeatProbe.pingFrame()     // Frame(.heartbeat) with [0, time]
/// if case .pong(let sent)? = HeartbeatProbe.parse(frame) { print(MonotonicNanos.now() - sent) }
/// ```
package enum HeartbeatProbe: Equatable {
    case ping(UInt64)
    case pong(UInt64)

    /// A heartbeat frame carrying the time now.
    package static func pingFrame() -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(0))
        payload.writeInteger(MonotonicNanos.now())
        return Frame(.heartbeat, payload: payload)
    }

    /// The answer to a ping sent at `sent`.
    package static func pongFrame(_ sent: UInt64) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(1))
        payload.writeInteger(sent)
        return Frame(.heartbeat, payload: payload)
    }

    /// What a heartbeat frame carries; nil for an empty or unknown one.
    package static func parse(_ frame: Frame) -> HeartbeatProbe? {
        guard frame.payload.readableBytes == 9, let tag = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt8.self),
            let time = frame.payload.getInteger(at: frame.payload.readerIndex + 1, as: UInt64.self)
        else { return nil }
        switch tag {
        case 0: return .ping(time)
        case 1: return .pong(time)
        default: return nil
        }
    }
}
