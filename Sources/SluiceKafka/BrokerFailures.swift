import Synchronization

/// The last connection failure librdkafka logged for each client handle
/// (facility `FAIL`, e.g. `127.0.0.1:9092/bootstrap: Receive failed: Invalid
/// response size … (after 3ms in state APIVERSION_QUERY)`), so a request that
/// then fails can tell "no broker answered" from "a broker answered, but the
/// Kafka protocol failed". The log callback runs on librdkafka's broker
/// threads, so the table sits behind a lock.
enum BrokerFailures {
    /// One logged failure, split into its parts.
    struct Failure: Equatable {
        /// The broker as librdkafka names it (`host:port/id` or `host:port/bootstrap`).
        let broker: String
        /// The connection state the failure happened in, e.g. `APIVERSION_QUERY`.
        let state: String
        /// librdkafka's text without the broker prefix.
        let reason: String

        /// True when the failure came after the TCP connection was made and
        /// is not a lost connection: the peer answered, but not as a Kafka
        /// broker this library understands. A closed or reset connection is
        /// not counted (a broker going down looks the same).
        var isProtocolFailure: Bool {
            guard !["INIT", "DOWN", "TRY_CONNECT", "CONNECT"].contains(state) else { return false }
            let lostConnection = ["Disconnected", "Connection reset", "Broken pipe", "timed out", "Timed out", "Connection refused"]
            return !lostConnection.contains { reason.contains($0) }
        }

        /// The protocol step of `state`, in words.
        var step: String {
            switch state {
            case "APIVERSION_QUERY": return "version negotiation (ApiVersions)"
            case "SSL_HANDSHAKE": return "TLS handshake"
            case "AUTH_LEGACY", "AUTH_HANDSHAKE", "AUTH_REQ": return "authentication (SASL)"
            case "UP", "UPDATE": return "a request on an established connection"
            default: return "connection state \(state)"
            }
        }
    }

    private static let failures = Mutex<[UInt: Failure]>([:])

    /// Parses a `FAIL` log line; nil if it does not have librdkafka's shape.
    static func parse(_ line: String) -> Failure? {
        var line = Substring(line)
        // librdkafka starts its log lines with the thread name (`log.thread.name`).
        if line.hasPrefix("[thrd:"), let end = line.range(of: "]: ") { line = line[end.upperBound...] }
        guard let separator = line.range(of: ": ") else { return nil }
        let broker = String(line[..<separator.lowerBound])
        let reason = String(line[separator.upperBound...])
        guard let stateStart = reason.range(of: "in state ", options: .backwards) else { return nil }
        let state = reason[stateStart.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !state.isEmpty else { return nil }
        return Failure(broker: broker, state: String(state), reason: reason)
    }

    /// Records a `FAIL` log line of `handle`.
    static func record(_ line: String, handle: OpaquePointer) {
        guard let failure = parse(line) else { return }
        failures.withLock { $0[key(handle)] = failure }
    }

    /// The last failure `handle` logged, if it is a protocol failure.
    static func protocolFailure(of handle: OpaquePointer) -> Failure? {
        failures.withLock { $0[key(handle)] }.flatMap { $0.isProtocolFailure ? $0 : nil }
    }

    /// Drops what was recorded for `handle` (it is being destroyed).
    static func forget(_ handle: OpaquePointer) {
        _ = failures.withLock { $0.removeValue(forKey: key(handle)) }
    }

    private static func key(_ handle: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))) }
}
