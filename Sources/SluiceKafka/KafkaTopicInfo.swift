import Foundation
internal import CRdKafka

/// A topic as the cluster describes it: its partitions, each with its leader
/// and its low and high watermark offsets.
///
/// ```swift
/// for topic in try KafkaAdmin.topics(brokers: ["localhost:19092"]) { print(topic.name, topic.partitions.count) }
/// ```
public struct KafkaTopicInfo: Sendable, Hashable {
    /// One partition of a topic.
    public struct Partition: Sendable, Hashable {
        /// The partition id.
        public let id: Int32
        /// The leader broker's id (-1 when it has none).
        public let leader: Int32
        /// The oldest offset held (0 until retention deletes data).
        public let low: Int64
        /// One past the newest offset (the next message's offset).
        public let high: Int64
    }

    /// The topic name.
    public let name: String
    /// Its partitions, by id.
    public let partitions: [Partition]
}

extension KafkaAdmin {
    /// Every topic of the cluster (internal ones, starting with "__", left
    /// out), by name, with partitions, leaders and watermarks.
    ///
    /// ```swift
    /// let names = try KafkaAdmin.topics(brokers: ["localhost:19092"]).map(\.name)
    /// ```
    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - only: Just this topic (`KafkaError.topicNotFound` if it does not exist).
    ///   - timeout: The longest each request may wait.
    /// - Throws: `KafkaError.brokersUnreachable`, `.topicNotFound`.
    public static func topics(brokers: [String], only: String? = nil, timeout: Duration = .seconds(10)) throws -> [KafkaTopicInfo] {
        var settings = ["bootstrap.servers": brokers.joined(separator: ",")]
        settings["socket.connection.setup.timeout.ms"] = String(max(1000, RDKafkaClient.milliseconds(timeout)))
        let client = try RDKafkaClient(kind: .consumer, settings: settings)
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(client.handle, 1, nil, &metadata, RDKafkaClient.milliseconds(timeout))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw RDKafkaClient.reachError(code, brokers: client.brokers, operation: "metadata", topic: only)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var layout: [(String, [(Int32, Int32)])] = []
        for topic in UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt)) {
            let name = String(cString: topic.topic)
            if let only, name != only { continue }
            if only == nil && name.hasPrefix("__") { continue }
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.requestFailed(operation: "metadata", topic: name, partition: nil, reason: errorText(topic.err))
            }
            let parts = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt))
            layout.append((name, parts.map { ($0.id, $0.leader) }.sorted { $0.0 < $1.0 }))
        }
        if let only, layout.isEmpty { throw KafkaError.topicNotFound(topic: only, brokers: client.brokers) }
        return try layout.sorted { $0.0 < $1.0 }.map { name, parts in
            KafkaTopicInfo(
                name: name,
                partitions: try parts.map { id, leader in
                    let marks = try client.watermarks(topic: name, partition: id, timeout: timeout)
                    return KafkaTopicInfo.Partition(id: id, leader: leader, low: marks.low, high: marks.high)
                })
        }
    }
}
