import Foundation
internal import CRdKafka

/// Owns one librdkafka handle (`rd_kafka_t`) and frees it in `deinit`; answers
/// metadata, watermark and time-to-offset queries with a timeout.
final class RDKafkaClient {
    enum Kind { case consumer, producer }

    let handle: OpaquePointer
    let brokers: String

    /// - Parameters:
    ///   - kind: Consumer or producer.
    ///   - settings: librdkafka settings (bootstrap.servers included).
    ///   - configure: Adjusts the conf before the handle takes it (callbacks).
    init(kind: Kind, settings: [String: String], configure: ((OpaquePointer) -> Void)? = nil) throws {
        brokers = settings["bootstrap.servers"] ?? "?"
        let conf = try RDKafkaConfig.make(settings)
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        configure?(conf)
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(
            kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, &errorBuffer, errorBuffer.count)
        else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.invalidConfiguration(key: "", value: "", reason: text(of: errorBuffer))
        }
        self.handle = handle
    }

    deinit {
        rd_kafka_destroy(handle)
        BrokerFailures.forget(handle)
    }

    /// The partition ids of `topic`. Asks for the metadata of all topics, not
    /// of this one, because a request naming a topic lets some brokers (and
    /// librdkafka's mock cluster) create it; a missing topic must be an error.
    /// - Throws: `topicNotFound`, or `brokersUnreachable` after `timeout`.
    func partitions(of topic: String, timeout: Duration) throws -> [Int32] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 1, nil, &metadata, Self.milliseconds(timeout))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw requestError(code, brokers: brokers, operation: "metadata", topic: topic)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let entry = topics.first(where: { String(cString: $0.topic) == topic }),
            entry.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, entry.partition_cnt > 0
        else {
            throw KafkaError.topicNotFound(topic: topic, brokers: brokers)
        }
        if entry.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.requestFailed(operation: "metadata", topic: topic, partition: nil, reason: errorText(entry.err))
        }
        return UnsafeBufferPointer(start: entry.partitions, count: Int(entry.partition_cnt)).map(\.id).sorted()
    }

    /// Asks the cluster for its metadata, to fail fast when no broker answers.
    /// - Throws: `brokersUnreachable` after `timeout`.
    func checkReachable(timeout: Duration) throws {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 1, nil, &metadata, Self.milliseconds(timeout))
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw requestError(code, brokers: brokers, operation: "metadata", topic: nil)
        }
    }

    /// The low and high watermark offsets of a partition, asked of the broker.
    /// Uses `rd_kafka_offsets_for_times` with Kafka's special timestamps
    /// (-2 earliest, -1 latest) rather than `rd_kafka_query_watermark_offsets`,
    /// which ignores its timeout while the partition's leader is unreachable.
    /// - Throws: `topicNotFound`, or `brokersUnreachable` after `timeout`.
    func watermarks(topic: String, partition: Int32, timeout: Duration) throws -> (low: Int64, high: Int64) {
        let deadline = ContinuousClock.now + timeout
        let low = try listOffset(topic: topic, partition: partition, query: -2, until: deadline)
        let high = try listOffset(topic: topic, partition: partition, query: -1, until: deadline)
        return (low, high)
    }

    /// The offset the broker lists for `query` (a timestamp, or -2/-1 for the
    /// earliest/latest offset), waiting at most until `deadline`.
    private func listOffset(topic: String, partition: Int32, query: Int64, until deadline: ContinuousClock.Instant) throws -> Int64 {
        guard let list = rd_kafka_topic_partition_list_new(1) else {
            throw KafkaError.requestFailed(operation: "watermark query", topic: topic, partition: partition, reason: "out of memory")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let entry = rd_kafka_topic_partition_list_add(list, topic, partition)!
        entry.pointee.offset = query
        let remaining = max(.zero, deadline - ContinuousClock.now)
        let code = rd_kafka_offsets_for_times(handle, list, Self.milliseconds(remaining))
        for failure in [code, entry.pointee.err] where failure != RD_KAFKA_RESP_ERR_NO_ERROR {
            switch failure {
            case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
                // A listed partition whose leader is down: librdkafka 2.0.2
                // times out, current versions answer "unknown partition" at once.
                throw KafkaError.brokersUnreachable(
                    brokers: brokers,
                    reason: "watermark query for '\(topic)' partition \(partition) got no answer: its leader is not reachable "
                        + "(\(errorText(failure)))")
            default:
                throw requestError(failure, brokers: brokers, operation: "watermark query", topic: topic, partition: partition)
            }
        }
        return entry.pointee.offset
    }

    /// The first offset of a partition whose timestamp is at or after `time`,
    /// as the broker answers it; nil when the broker knows none.
    func offset(topic: String, partition: Int32, at time: Date, timeout: Duration) throws -> Int64? {
        guard let list = rd_kafka_topic_partition_list_new(1) else {
            throw KafkaError.requestFailed(operation: "offsets for times", topic: topic, partition: partition, reason: "out of memory")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let entry = rd_kafka_topic_partition_list_add(list, topic, partition)!
        entry.pointee.offset = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
        let code = rd_kafka_offsets_for_times(handle, list, Self.milliseconds(timeout))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw requestError(code, brokers: brokers, operation: "offsets for times", topic: topic, partition: partition)
        }
        if entry.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.requestFailed(
                operation: "offsets for times", topic: topic, partition: partition, reason: errorText(entry.pointee.err))
        }
        return entry.pointee.offset >= 0 ? entry.pointee.offset : nil
    }

    /// True when the cluster is librdkafka's mock cluster (`EmbeddedKafka`),
    /// whose cluster ids start with "mockCluster".
    func isMockCluster(timeout: Duration) -> Bool {
        guard let id = rd_kafka_clusterid(handle, Self.milliseconds(timeout)) else { return false }
        defer { rd_kafka_mem_free(handle, id) }
        return String(cString: id).hasPrefix("mockCluster")
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Like `reachError`, but a transport or timeout error after a broker
    /// accepted the connection and then failed the protocol (as this
    /// client's log recorded it) is a `protocolFailed` naming the broker, the
    /// step and the librdkafka version, not "cannot reach".
    func requestError(
        _ code: rd_kafka_resp_err_t, brokers: String, operation: String, topic: String?, partition: Int32? = nil
    ) -> KafkaError {
        let error = Self.reachError(code, brokers: brokers, operation: operation, topic: topic, partition: partition)
        guard case .brokersUnreachable = error, let failure = BrokerFailures.protocolFailure(of: handle) else { return error }
        return .protocolFailed(
            broker: failure.broker, step: failure.step, reason: "\(failure.reason); \(operation) failed: \(errorText(code))",
            librdkafkaVersion: KafkaLibrary.version)
    }

    /// Turns a request error into "unreachable" when it is a transport or timeout error.
    static func reachError(
        _ code: rd_kafka_resp_err_t, brokers: String, operation: String, topic: String?, partition: Int32? = nil
    ) -> KafkaError {
        switch code {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
            RD_KAFKA_RESP_ERR__RESOLVE:
            return .brokersUnreachable(brokers: brokers, reason: "\(operation) got no answer: \(errorText(code))")
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
            return .topicNotFound(topic: topic ?? "?", brokers: brokers)
        default:
            return .requestFailed(operation: operation, topic: topic, partition: partition, reason: errorText(code))
        }
    }
}
