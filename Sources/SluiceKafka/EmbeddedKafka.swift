import Foundation
import Logging
internal import CRdKafka
import Synchronization

/// A Kafka cluster inside this process: librdkafka's mock cluster, speaking
/// the real Kafka protocol over TCP on 127.0.0.1. For tests, demos and
/// benchmarks on machines without Docker; `KAFKA_BOOTSTRAP_SERVERS` points the
/// same tests at a real broker instead.
///
/// ```swift
/// let kafka = try EmbeddedKafka(brokers: 1)
/// try kafka.createTopic("lines", partitions: 4)
/// let source = KafkaSource(brokers: kafka.bootstrapServers, topics: ["lines"], tail: false)
/// ```
///
/// Limits of librdkafka 2.0.2's mock cluster: each partition keeps at most
/// about 5 MiB and 100,000 message sets and silently drops older data;
/// read_committed consumers see aborted transactions; and it checks producer
/// sequence numbers only for transactional producers, so a batch it appended
/// just before `setBrokerDown` is appended again when the idempotent producer
/// retries it (a real broker acknowledges the retry without writing it; see
/// docs/kafka-sink.md). `droppedData()` detects the first: a partition whose
/// log start offset moved.
public final class EmbeddedKafka: @unchecked Sendable {
    // @unchecked: the C handles are created in init and freed in deinit; the
    // mock cluster API is thread-safe (it posts to the cluster's own thread);
    // `topics` is guarded by a Mutex.
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let topics = Mutex<[String: Int]>([:])
    private let logger: Logger

    /// The bootstrap servers, e.g. `127.0.0.1:41234`.
    public let bootstrapServers: String
    /// The number of brokers (ids 1...brokers).
    public let brokerCount: Int

    /// Starts a cluster.
    /// - Parameters:
    ///   - brokers: How many brokers (at least 1).
    ///   - logger: Where warnings (dropped data) go.
    /// - Throws: `KafkaError.embeddedBroker` if the cluster cannot start.
    public init(brokers: Int = 1, logger: Logger = Logger(label: "sluice.embedded-kafka")) throws {
        guard brokers >= 1 else { throw KafkaError.embeddedBroker(reason: "needs at least one broker, got \(brokers)") }
        let conf = try RDKafkaConfig.make(["log_level": "3"])
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.embeddedBroker(reason: text(of: errorBuffer))
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError.embeddedBroker(reason: "rd_kafka_mock_cluster_new failed")
        }
        self.owner = owner
        self.cluster = cluster
        self.brokerCount = brokers
        self.logger = logger
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates a topic (replication factor 1).
    /// - Parameters:
    ///   - name: The topic name.
    ///   - partitions: Its partition count (at least 1).
    public func createTopic(_ name: String, partitions: Int) throws {
        guard partitions >= 1 else {
            throw KafkaError.embeddedBroker(reason: "topic '\(name)' needs at least one partition")
        }
        let code = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.embeddedBroker(reason: "cannot create topic '\(name)': \(errorText(code))")
        }
        topics.withLock { $0[name] = partitions }
    }

    /// Takes a broker down (its connections close; clients retry) — fault injection.
    /// - Parameter id: The broker id, 1...brokerCount.
    public func setBrokerDown(_ id: Int32) throws {
        try check(rd_kafka_mock_broker_set_down(cluster, id), "set broker \(id) down")
    }

    /// Brings a broker back up.
    /// - Parameter id: The broker id, 1...brokerCount.
    public func setBrokerUp(_ id: Int32) throws {
        try check(rd_kafka_mock_broker_set_up(cluster, id), "set broker \(id) up")
    }

    /// Makes a broker the leader of a partition. The mock cluster picks
    /// leaders at random when it creates a topic, so a test that takes a
    /// broker down sets the leaders it relies on first.
    ///
    /// ```swift
    /// try kafka.createTopic("orders", partitions: 2)
    /// try kafka.setPartitionLeader(topic: "orders", partition: 1, broker: 2)
    /// try kafka.setBrokerDown(2)  // now partition 1 has no reachable leader
    /// ```
    /// - Parameters:
    ///   - topic: A topic created with `createTopic`.
    ///   - partition: The partition, 0..<its partition count.
    ///   - broker: The broker id, 1...brokerCount.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        // The mock would create an unknown topic: refuse it here instead.
        guard let count = topics.withLock({ $0[topic] }), (0..<Int32(count)).contains(partition) else {
            throw KafkaError.embeddedBroker(reason: "cannot set the leader of '\(topic)' partition \(partition): no such partition")
        }
        guard (1...Int32(brokerCount)).contains(broker) else {
            throw KafkaError.embeddedBroker(reason: "cannot make broker \(broker) a leader: the brokers are 1...\(brokerCount)")
        }
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker), "set the leader of '\(topic)' partition \(partition)")
    }

    /// Handles a broker's next request of a Kafka API (e.g. 0 = Produce) at
    /// once but holds its answer back for `delay` — fault injection: taking
    /// the broker down meanwhile loses the answer of a request it carried out.
    ///
    /// ```swift
    /// try kafka.delayNextResponse(broker: 1, apiKey: 0, by: .seconds(20))
    /// ```
    /// - Parameters:
    ///   - broker: The broker id, 1...brokerCount.
    ///   - apiKey: The Kafka API key.
    ///   - delay: How long the answer waits (whole milliseconds).
    public func delayNextResponse(broker: Int32, apiKey: Int16, by delay: Duration) throws {
        let milliseconds = RDKafkaClient.milliseconds(delay)
        try check(sluice_mock_delay_next_response(cluster, broker, apiKey, milliseconds), "delay broker \(broker)'s next answer")
    }

    /// Makes the next `count` requests of a Kafka API (e.g. 0 = Produce,
    /// 1 = Fetch, 3 = Metadata) fail with a retriable broker error
    /// (`NOT_LEADER_OR_FOLLOWER`) — fault injection.
    /// - Parameters:
    ///   - apiKey: The Kafka API key.
    ///   - count: How many requests fail.
    public func failNextRequests(apiKey: Int16, count: Int) {
        let errors = [rd_kafka_resp_err_t](repeating: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, count: count)
        errors.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, count, $0.baseAddress)
        }
    }

    /// A partition that lost data to the mock cluster's retention limit.
    public struct DroppedData: Sendable, CustomStringConvertible {
        /// The topic.
        public let topic: String
        /// The partition.
        public let partition: Int32
        /// The first offset still kept (offsets before it were dropped).
        public let logStartOffset: Int64
        public var description: String {
            "topic '\(topic)' partition \(partition) dropped offsets 0..<\(logStartOffset) (mock retention limit)"
        }
    }

    /// Every partition of the topics created here whose log start offset has
    /// moved, i.e. whose oldest data the mock cluster dropped. Logged as a
    /// warning too. Tests call it at the end so none passes on truncated data.
    public func droppedData() throws -> [DroppedData] {
        let client = try RDKafkaClient(kind: .consumer, settings: ["bootstrap.servers": bootstrapServers])
        var dropped: [DroppedData] = []
        for (topic, partitions) in topics.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            for partition in 0..<Int32(partitions) {
                let (low, _) = try client.watermarks(topic: topic, partition: partition, timeout: .seconds(10))
                if low > 0 { dropped.append(DroppedData(topic: topic, partition: partition, logStartOffset: low)) }
            }
        }
        for entry in dropped { logger.warning("\(entry)") }
        return dropped
    }

    private func check(_ code: rd_kafka_resp_err_t, _ what: String) throws {
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.embeddedBroker(reason: "cannot \(what): \(errorText(code))")
        }
    }
}
