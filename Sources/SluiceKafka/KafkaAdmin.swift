import Foundation
internal import CRdKafka

/// Small administrative operations, for tests, tools and set-up scripts.
///
/// ```swift
/// try KafkaAdmin.createTopic("lines", partitions: 8, brokers: ["localhost:19092"])
/// let partitions = try KafkaAdmin.partitions(of: "lines", brokers: ["localhost:19092"])
/// ```
public enum KafkaAdmin {
    /// Creates a topic. An existing topic is not an error. The embedded
    /// broker cannot create topics over the Kafka protocol: there this
    /// succeeds only for its default partition count (use
    /// `EmbeddedKafka.createTopic` for others).
    /// - Parameters:
    ///   - name: The topic.
    ///   - partitions: Its partition count.
    ///   - replicationFactor: Replicas per partition. Default 1.
    ///   - brokers: Bootstrap brokers.
    ///   - config: Topic settings, e.g. `["cleanup.policy": "compact"]`.
    ///   - timeout: The longest to wait for the broker.
    public static func createTopic(
        _ name: String, partitions: Int, replicationFactor: Int = 1, brokers: [String],
        config: [String: String] = [:], timeout: Duration = .seconds(30)
    ) throws {
        let client = try RDKafkaClient(kind: .producer, settings: ["bootstrap.servers": brokers.joined(separator: ",")])
        if client.isMockCluster(timeout: timeout) {
            return try createOnEmbedded(name, partitions: partitions, client: client, timeout: timeout)
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errorBuffer, errorBuffer.count)
        else { throw KafkaError.requestFailed(operation: "create topic", topic: name, partition: nil, reason: text(of: errorBuffer)) }
        defer { rd_kafka_NewTopic_destroy(topic) }
        for (key, value) in config.sorted(by: { $0.key < $1.key }) {
            let code = rd_kafka_NewTopic_set_config(topic, key, value)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError.invalidConfiguration(key: key, value: value, reason: errorText(code))
            }
        }
        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [topic]
        topics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(client.handle, $0.baseAddress, 1, nil, queue) }
        guard let event = rd_kafka_queue_poll(queue, RDKafkaClient.milliseconds(timeout)) else {
            throw KafkaError.brokersUnreachable(brokers: client.brokers, reason: "create topic '\(name)' got no answer in \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.requestFailed(
                operation: "create topic", topic: name, partition: nil,
                reason: String(cString: rd_kafka_event_error_string(event)))
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count), count == 1
        else { return }
        let code = rd_kafka_topic_result_error(results[0])
        if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError.requestFailed(operation: "create topic", topic: name, partition: nil, reason: errorText(code))
        }
    }

    /// The embedded broker (librdkafka's mock cluster) has no CreateTopics:
    /// it creates a topic with its default partition count when a metadata
    /// request names it. Fine when that is the count asked for (or the topic
    /// exists); otherwise an error saying how to get the count.
    private static func createOnEmbedded(_ name: String, partitions: Int, client: RDKafkaClient, timeout: Duration) throws {
        if (try? client.partitions(of: name, timeout: timeout)) == nil {
            guard let handle = rd_kafka_topic_new(client.handle, name, nil) else {
                throw KafkaError.requestFailed(operation: "create topic", topic: name, partition: nil, reason: errorText(rd_kafka_last_error()))
            }
            defer { rd_kafka_topic_destroy(handle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(client.handle, 0, handle, &metadata, RDKafkaClient.milliseconds(timeout))
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw RDKafkaClient.reachError(code, brokers: client.brokers, operation: "metadata", topic: name)
            }
        }
        let count = try client.partitions(of: name, timeout: timeout).count
        guard count == partitions else {
            throw KafkaError.requestFailed(
                operation: "create topic", topic: name, partition: nil,
                reason: "the embedded broker cannot create topics over the Kafka protocol; the topic has its default of "
                    + "\(count) partitions, not \(partitions) (start it with `sluice dev-broker --topic \(name):\(partitions)` "
                    + "or call EmbeddedKafka.createTopic)")
        }
    }

    /// The partition ids of a topic.
    /// - Throws: `KafkaError.topicNotFound` or `.brokersUnreachable`.
    public static func partitions(of topic: String, brokers: [String], timeout: Duration = .seconds(10)) throws -> [Int32] {
        let client = try RDKafkaClient(kind: .consumer, settings: ["bootstrap.servers": brokers.joined(separator: ",")])
        return try client.partitions(of: topic, timeout: timeout)
    }

    /// The low and high watermark offsets of every partition of a topic.
    public static func watermarks(
        of topic: String, brokers: [String], timeout: Duration = .seconds(10)
    ) throws -> [Int32: (low: Int64, high: Int64)] {
        let client = try RDKafkaClient(kind: .consumer, settings: ["bootstrap.servers": brokers.joined(separator: ",")])
        var marks: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in try client.partitions(of: topic, timeout: timeout) {
            marks[partition] = try client.watermarks(topic: topic, partition: partition, timeout: timeout)
        }
        return marks
    }
}
