import Foundation
import SluiceEngine
internal import CRdKafka

/// The marker topic of exactly-once `KafkaSink`s. Every transaction a sink
/// commits also writes, inside the transaction, one marker message (key: the
/// transactional id; value: the epoch it commits through). Read with
/// `read_committed`, the last marker of an id is therefore the last epoch whose
/// messages are visible, and never one whose transaction aborted.
struct TransactionMarkers {
    /// The marker topic.
    let topic: String
    /// Bootstrap brokers and connection settings (security) for its clients.
    let settings: [String: String]
    /// The longest a request may wait.
    let timeout: Duration

    /// The partition holding an id's markers (stable across processes).
    static func partition(of transactionalID: String, partitions: Int) -> Int32 {
        Int32(StableHash.fnv1a(transactionalID) % UInt64(max(1, partitions)))
    }

    /// Creates the topic (one compacted partition) unless it exists.
    func ensureTopic() throws {
        var autoCreating = settings
        // Current librdkafka versions ask the broker to create a topic a
        // metadata request names only when allowed (2.0.2's mock always did).
        autoCreating["allow.auto.create.topics"] = "true"
        let client = try RDKafkaClient(kind: .consumer, settings: autoCreating)
        if client.isMockCluster(timeout: timeout) {
            // The embedded broker has no CreateTopics; it creates a topic a metadata request names.
            guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else { return }
            defer { rd_kafka_topic_destroy(handle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let code = rd_kafka_metadata(client.handle, 0, handle, &metadata, RDKafkaClient.milliseconds(timeout))
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw client.requestError(code, brokers: client.brokers, operation: "metadata", topic: topic)
            }
            return
        }
        let brokers = (settings["bootstrap.servers"] ?? "").split(separator: ",").map(String.init)
        try KafkaAdmin.createTopic(topic, partitions: 1, brokers: brokers, config: ["cleanup.policy": "compact"], timeout: timeout)
    }

    /// The marker topic's partition count.
    func partitionCount() throws -> Int {
        let client = try RDKafkaClient(kind: .consumer, settings: settings)
        return try client.partitions(of: topic, timeout: timeout).count
    }

    /// The last committed epoch of each of `ids` that has a marker. Call it
    /// only after fencing the ids (so none has a transaction still open).
    func lastCommittedEpochs(of ids: Set<String>) throws -> [String: UInt64] {
        var readSettings = settings
        readSettings["isolation.level"] = "read_committed"
        readSettings["enable.partition.eof"] = "true"
        let client = try RDKafkaClient(kind: .consumer, settings: readSettings)
        let partitions: [Int32]
        do { partitions = try client.partitions(of: topic, timeout: timeout) } catch KafkaError.topicNotFound {
            return [:]
        }
        let wanted = Set(ids.map { Self.partition(of: $0, partitions: partitions.count) })
        var last: [String: UInt64] = [:]
        for partition in partitions where wanted.contains(partition) {
            try scan(client, partition: partition) { id, epoch in
                if ids.contains(id) { last[id] = max(last[id] ?? 0, epoch) }
            }
        }
        return last
    }

    /// Reads one partition from the beginning to its end (its last stable offset).
    private func scan(_ client: RDKafkaClient, partition: Int32, _ visit: (String, UInt64) -> Void) throws {
        let (low, high) = try client.watermarks(topic: topic, partition: partition, timeout: timeout)
        guard high > low else { return }
        guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
            throw KafkaError.requestFailed(operation: "read markers", topic: topic, partition: partition, reason: errorText(rd_kafka_last_error()))
        }
        defer { rd_kafka_topic_destroy(handle) }
        guard rd_kafka_consume_start(handle, partition, Int64(RD_KAFKA_OFFSET_BEGINNING)) == 0 else {
            throw KafkaError.consumeFailed(topic: topic, partition: partition, offset: nil, reason: errorText(rd_kafka_last_error()))
        }
        defer { rd_kafka_consume_stop(handle, partition) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let message = rd_kafka_consume(handle, partition, 200) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let entry = message.pointee
            if entry.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
            guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.consumeFailed(topic: topic, partition: partition, offset: entry.offset, reason: errorText(entry.err))
            }
            guard let key = entry.key, let payload = entry.payload else { continue }
            let id = String(decoding: UnsafeRawBufferPointer(start: key, count: entry.key_len), as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(start: payload, count: entry.len), as: UTF8.self)
            if let epoch = UInt64(value) { visit(id, epoch) }
        }
        throw KafkaError.transactionFailed(
            transactionalID: "?", epoch: nil,
            reason: "reading the markers of topic '\(topic)' partition \(partition) did not reach its end within \(timeout)")
    }
}
