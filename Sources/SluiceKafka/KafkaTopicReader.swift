import Foundation
internal import CRdKafka

/// Reads every partition of one topic outside a dataflow, for tools and
/// tests (`sluice consume`, `SluiceKafkaTesting`): from the beginning or the
/// end, read committed or not, and says when each partition has reached its
/// end (librdkafka's partition-end events, so transaction markers at the end
/// of a partition do not keep it open).
///
/// ```swift
/// let reader = try KafkaTopicReader(brokers: brokers, topic: "orders", fromEnd: false, readCommitted: false)
/// while !reader.atEnd { print(try reader.poll(wait: .milliseconds(100))) }
/// ```
package final class KafkaTopicReader {
    /// The topic.
    package let topic: String
    private let client: RDKafkaClient
    private let topicHandle: OpaquePointer
    private var partitions: [PartitionState]
    private let buffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private let capacity = 1000

    private struct PartitionState {
        let id: Int32
        var started = false
        /// True once the consumer reported the partition's end.
        var atEnd = false
    }

    /// Opens the topic's partitions.
    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - topic: The topic.
    ///   - fromEnd: Start after the last message instead of at the oldest.
    ///   - readCommitted: Skip messages of open and aborted transactions.
    ///   - config: Extra librdkafka settings.
    ///   - requestTimeout: How long metadata and offset requests may take.
    /// - Throws: `KafkaError.topicNotFound` or `.brokersUnreachable`.
    package init(
        brokers: [String], topic: String, fromEnd: Bool, readCommitted: Bool, config: [String: String] = [:],
        requestTimeout: Duration = .seconds(5)
    ) throws {
        var defaults = KafkaSource.defaultConsumerSettings
        defaults["enable.partition.eof"] = "true"
        defaults["isolation.level"] = readCommitted ? "read_committed" : "read_uncommitted"
        defaults["queued.min.messages"] = "10000"
        defaults["socket.connection.setup.timeout.ms"] = String(max(1000, RDKafkaClient.milliseconds(requestTimeout)))
        let settings = RDKafkaConfig.settings(defaults: defaults, brokers: brokers, user: config)
        let client = try RDKafkaClient(kind: .consumer, settings: settings)
        let ids = try client.partitions(of: topic, timeout: requestTimeout)
        guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
            throw KafkaError.consumeFailed(topic: topic, partition: -1, offset: nil, reason: errorText(rd_kafka_last_error()))
        }
        self.client = client
        self.topic = topic
        self.topicHandle = handle
        self.buffer = .allocate(capacity: capacity)
        self.partitions = ids.map { PartitionState(id: $0) }
        for index in partitions.indices {
            let id = partitions[index].id
            let start = fromEnd ? Int64(RD_KAFKA_OFFSET_END) : Int64(RD_KAFKA_OFFSET_BEGINNING)
            guard rd_kafka_consume_start(handle, id, start) == 0 else {
                throw KafkaError.consumeFailed(topic: topic, partition: id, offset: nil, reason: errorText(rd_kafka_last_error()))
            }
            partitions[index].started = true
        }
    }

    deinit {
        for partition in partitions where partition.started { rd_kafka_consume_stop(topicHandle, partition.id) }
        rd_kafka_topic_destroy(topicHandle)
        buffer.deallocate()
    }

    /// The partition ids.
    package var partitionIDs: [Int32] { partitions.map(\.id) }

    /// True when every partition has reported its end since the last message
    /// read from it (a later message makes it false again).
    package var atEnd: Bool { partitions.allSatisfy(\.atEnd) }

    /// The messages that arrived, waiting up to `wait` in all.
    /// - Throws: `KafkaError.consumeFailed` for an error Kafka reports.
    package func poll(wait: Duration) throws -> [KafkaMessage] {
        let slice = max(1, RDKafkaClient.milliseconds(wait) / Int32(max(1, partitions.count)))
        var messages: [KafkaMessage] = []
        var failure: KafkaError?
        for index in partitions.indices {
            let id = partitions[index].id
            let count = rd_kafka_consume_batch(topicHandle, id, slice, buffer, capacity)
            guard count >= 0 else {
                throw KafkaError.consumeFailed(topic: topic, partition: id, offset: nil, reason: errorText(rd_kafka_last_error()))
            }
            for slot in 0..<count {
                let raw = buffer[slot]!
                defer { rd_kafka_message_destroy(raw) }
                let err = raw.pointee.err
                if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    partitions[index].atEnd = true
                } else if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    if failure == nil {
                        failure = KafkaError.consumeFailed(
                            topic: topic, partition: id, offset: raw.pointee.offset >= 0 ? raw.pointee.offset : nil,
                            reason: errorText(err))
                    }
                } else {
                    partitions[index].atEnd = false
                    messages.append(KafkaSourcePartition.decode(raw, topic: topic, partition: id))
                }
            }
        }
        if let failure { throw failure }
        return messages
    }

    /// Every message up to the partitions' ends, waiting at most `timeout`.
    /// - Throws: `KafkaError.consumeFailed` when the ends are not reached in time.
    package func readToEnd(timeout: Duration) throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaMessage] = []
        while !atEnd {
            guard ContinuousClock.now < deadline else {
                throw KafkaError.consumeFailed(
                    topic: topic, partition: -1, offset: nil,
                    reason: "the end of every partition was not reached within \(timeout) (\(messages.count) messages read)")
            }
            messages += try poll(wait: .milliseconds(100))
        }
        return messages
    }
}
