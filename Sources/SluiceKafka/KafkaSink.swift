import Foundation
import SluiceCore
internal import CRdKafka
import Synchronization

/// Produces `KafkaSinkMessage`s to Kafka, with one idempotent producer per
/// worker. Each message goes to its own topic (or the sink's default topic)
/// and, when it names one, to its partition. The sink flushes at every epoch
/// end and at the end of input and checks every delivery report: a message
/// that is not delivered stops the run with its topic, partition and cause.
///
/// With `exactlyOnce: true` (which needs a recovery directory), each worker
/// holds its messages until the epoch's snapshot is durable and then commits
/// them in one Kafka transaction, so `read_committed` consumers see every
/// message exactly once across crashes (docs/exactly-once.md).
///
/// ```swift
/// counts.map("encode") { KafkaSinkMessage(key: $0.key, value: String($0.value)) }
///     .output("out", KafkaSink(brokers: ["localhost:19092"], topic: "counts"))
/// ```
public struct KafkaSink: CommittingSink {
    /// The bootstrap brokers.
    public let brokers: [String]
    /// The topic of messages that do not name one.
    public let topic: String?
    /// Extra librdkafka producer settings, applied last.
    public let config: [String: String]
    /// How long a flush may wait for outstanding deliveries. Default 60 s.
    public let flushTimeout: Duration
    /// How long the start-up check may wait for a broker to answer. Default 10 s.
    public let requestTimeout: Duration
    /// Exactly-once output with Kafka transactions committed after each
    /// snapshot (needs a recovery directory). Default false: at least once.
    public let exactlyOnce: Bool
    /// The topic of transaction markers (exactly once); created, compacted,
    /// if missing. Default `sluice-transactions`.
    public let transactionMarkerTopic: String
    /// The start of every transactional id: `<prefix>.<step id>.w<worker>`.
    /// Default `sluice`; two deployments of the same flow on one cluster need different prefixes.
    public let transactionalIDPrefix: String
    /// Crash points of the commit, for tests.
    package var faults: KafkaTransactionFaults?

    /// The producer defaults Sluice sets (override any in `config`):
    /// idempotence on, batches of up to 10,000 messages lingering up to 5 ms,
    /// lz4 compression, and a queue of up to 1,000,000 messages.
    public static let defaultProducerSettings: [String: String] = [
        "enable.idempotence": "true",
        "linger.ms": "5",
        "batch.num.messages": "10000",
        "compression.type": "lz4",
        "queue.buffering.max.messages": "1000000",
        "client.id": "sluice",
    ]

    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - topic: The default topic (messages may name their own).
    ///   - config: Extra librdkafka settings (they win over Sluice's defaults).
    ///   - flushTimeout: Limit for waiting on deliveries at a flush.
    ///   - requestTimeout: Limit for the start-up check that a broker answers.
    ///   - exactlyOnce: Commit each epoch's messages in a Kafka transaction after its snapshot.
    ///   - transactionMarkerTopic: Where exactly-once markers go.
    ///   - transactionalIDPrefix: The start of the transactional ids.
    public init(
        brokers: [String], topic: String? = nil, config: [String: String] = [:], flushTimeout: Duration = .seconds(60),
        requestTimeout: Duration = .seconds(10), exactlyOnce: Bool = false,
        transactionMarkerTopic: String = "sluice-transactions", transactionalIDPrefix: String = "sluice"
    ) {
        self.brokers = brokers
        self.topic = topic
        self.config = config
        self.flushTimeout = flushTimeout
        self.requestTimeout = requestTimeout
        self.exactlyOnce = exactlyOnce
        self.transactionMarkerTopic = transactionMarkerTopic
        self.transactionalIDPrefix = transactionalIDPrefix
    }

    var settings: [String: String] {
        RDKafkaConfig.settings(defaults: Self.defaultProducerSettings, brokers: brokers, user: config)
    }

    public func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> KafkaSinkPartition {
        let partition = try KafkaSinkPartition(settings: settings, defaultTopic: topic, flushTimeout: flushTimeout)
        try partition.checkReachable(timeout: requestTimeout)
        return partition
    }

    // MARK: Exactly once

    public var commitsWithSnapshots: Bool { exactlyOnce }

    /// The transactional id of one worker of a step: stable across restarts,
    /// so a restarted run fences its predecessor.
    public func transactionalID(step: StepID, worker: WorkerIndex) -> String {
        "\(transactionalIDPrefix).\(step.rawValue).w\(worker.rawValue)"
    }

    var markers: TransactionMarkers {
        var connection = ["bootstrap.servers": brokers.joined(separator: ",")]
        for (key, value) in config where ["security.", "sasl.", "ssl."].contains(where: key.hasPrefix) {
            connection[key] = value
        }
        return TransactionMarkers(topic: transactionMarkerTopic, settings: connection, timeout: requestTimeout)
    }

    public func buildPartition(step: StepID, worker: WorkerIndex, workerCount: Int) throws -> KafkaSinkPartition {
        guard exactlyOnce else { return try buildPartition(worker: worker, workerCount: workerCount) }
        return try transactionalPartition(id: transactionalID(step: step, worker: worker), ensureMarkers: worker.rawValue == 0)
    }

    /// A producer with `id` that has fenced every earlier one.
    private func transactionalPartition(id: String, ensureMarkers: Bool) throws -> KafkaSinkPartition {
        let markers = self.markers
        let partition = try KafkaSinkPartition(
            settings: settings, defaultTopic: topic, flushTimeout: flushTimeout,
            transaction: KafkaTransactionState(id: id, markers: markers, faults: faults))
        try partition.checkReachable(timeout: requestTimeout)
        if ensureMarkers { try markers.ensureTopic() }
        try partition.initTransactions()
        return partition
    }

    /// Commits what a crashed run prepared and its markers do not cover: each
    /// id is fenced first (aborting its open transaction), then its last
    /// committed epoch is read from the markers, then the later segments are
    /// committed. Running it twice commits nothing twice.
    public func recoverPrepared(step: StepID, _ prepared: [String: [UInt8]]) throws {
        let records = try prepared.keys.sorted().map { try PreparedTransaction.decode(prepared[$0]!) }
        guard !records.isEmpty else { return }
        let producers = try records.enumerated().map { index, record in
            try transactionalPartition(id: record.transactionalID, ensureMarkers: index == 0)
        }
        let committed = try markers.lastCommittedEpochs(of: Set(records.map(\.transactionalID)))
        for (record, producer) in zip(records, producers) {
            let done = committed[record.transactionalID] ?? 0
            let remaining = record.segments.filter { $0.epoch > done }
            guard let through = remaining.last?.epoch else { continue }
            try producer.commitTransaction(remaining.flatMap(\.messages), through: through)
        }
    }
}
