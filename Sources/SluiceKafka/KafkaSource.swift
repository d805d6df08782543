import Foundation
import SluiceCore
internal import CRdKafka

/// Reads Kafka topics. Each topic-partition is one source partition, which the
/// engine assigns to exactly one worker (no consumer-group rebalancing); its
/// resume position is the next offset.
///
/// ```swift
/// let lines = flow.input("lines", KafkaSource(brokers: ["localhost:19092"], topics: ["lines"]))
///     .map("text") { String(decoding: $0.value, as: UTF8.self) }
/// ```
///
/// A broker or consume error stops the run with its cause (topic, partition,
/// offset); to route such errors into a stream instead, read it with
/// `Dataflow.kafkaInput(_:_:)`.
public struct KafkaSource: PartitionedSource {
    /// Where a partition starts when there is no resume position.
    public enum StartOffset: Sendable, Equatable {
        /// The oldest retained message.
        case beginning
        /// Only messages produced after the source starts.
        case end
        /// The first message at or after this time.
        case timestamp(Date)
    }

    /// The bootstrap brokers, e.g. `["localhost:19092"]`.
    public let brokers: [String]
    /// The topics to read.
    public let topics: [String]
    /// The most messages one poll returns. Default 1000.
    public let batchSize: Int
    /// Where partitions without a resume position start. Default `.beginning`.
    public let startOffset: StartOffset
    /// When false, the source is finite: each partition stops at the end
    /// offset it saw when the source started. Default true (run for ever).
    public let tail: Bool
    /// Extra librdkafka settings, applied last (security settings, tuning…).
    public let config: [String: String]
    /// How long metadata and offset requests may take before the brokers
    /// count as unreachable. Default 10 s.
    public let requestTimeout: Duration
    private let pool = KafkaConsumerPool()

    /// The consumer defaults Sluice sets (any can be overridden in `config`):
    /// prefetch of up to 100,000 messages per partition (the main throughput
    /// lever of the consumer), fetch waits of at most 100 ms, and
    /// `auto.offset.reset=error`: a position outside the partition's log (a
    /// resume offset past its end, or data deleted by retention under a
    /// lagging reader) is an error, never a silent jump to the end.
    /// `enable.partition.eof` is always true (a `config` value is overridden):
    /// the partition's end events tell the source its position past
    /// transaction markers, which no message carries.
    public static let defaultConsumerSettings: [String: String] = [
        "queued.min.messages": "100000",
        "fetch.wait.max.ms": "100",
        "client.id": "sluice",
        "enable.partition.eof": "true",
        "auto.offset.reset": "error",
    ]

    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - topics: Topics to read.
    ///   - batchSize: Most messages per poll (at least 1).
    ///   - startOffset: Where to start without a resume position.
    ///   - tail: False for a finite read up to the end offsets seen at start.
    ///   - config: Extra librdkafka settings (they win over Sluice's defaults).
    ///   - requestTimeout: Limit for metadata and offset requests.
    public init(
        brokers: [String], topics: [String], batchSize: Int = 1000, startOffset: StartOffset = .beginning,
        tail: Bool = true, config: [String: String] = [:], requestTimeout: Duration = .seconds(10)
    ) {
        self.brokers = brokers
        self.topics = topics
        self.batchSize = max(1, batchSize)
        self.startOffset = startOffset
        self.tail = tail
        self.config = config
        self.requestTimeout = requestTimeout
    }

    /// The settings handed to librdkafka.
    var settings: [String: String] {
        var settings = RDKafkaConfig.settings(defaults: Self.defaultConsumerSettings, brokers: brokers, user: config)
        // The end-of-partition events are how a partition learns its position
        // past trailing transaction markers: a finite read needs them to end.
        settings["enable.partition.eof"] = "true"
        return settings
    }

    public func listPartitions() throws -> [PartitionKey] {
        let client = try RDKafkaClient(kind: .consumer, settings: settings)
        var keys: [PartitionKey] = []
        for topic in topics {
            for partition in try client.partitions(of: topic, timeout: requestTimeout) {
                keys.append(Self.key(topic: topic, partition: partition))
            }
        }
        return keys
    }

    public func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> KafkaSourcePartition {
        let (topic, partition) = try Self.parse(key)
        let consumer = try pool.acquire(settings: settings)
        do {
            return try KafkaSourcePartition(
                consumer: consumer, pool: pool, topic: topic, partition: partition, resumeOffset: resumeState,
                startOffset: startOffset, tail: tail, batchSize: batchSize, requestTimeout: requestTimeout)
        } catch {
            pool.release()
            throw error
        }
    }

    /// `"<partition>-<topic>"`, as Bytewax names Kafka partitions.
    static func key(topic: String, partition: Int32) -> PartitionKey { PartitionKey("\(partition)-\(topic)") }

    static func parse(_ key: PartitionKey) throws -> (String, Int32) {
        guard let dash = key.rawValue.firstIndex(of: "-"), let partition = Int32(key.rawValue[..<dash]) else {
            throw KafkaError.requestFailed(
                operation: "partition key", topic: nil, partition: nil, reason: "malformed key '\(key)'")
        }
        return (String(key.rawValue[key.rawValue.index(after: dash)...]), partition)
    }
}

/// One Kafka topic-partition being read by one worker.
public final class KafkaSourcePartition: SourcePartition, MeasuredPartition {
    private let consumer: SharedConsumer
    private let pool: KafkaConsumerPool
    private let topicHandle: OpaquePointer
    private let topic: String
    private let partition: Int32
    private var nextOffset: Int64
    /// The end offset when the source is finite.
    private let endOffset: Int64?
    private let batchSize: Int
    private let buffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private var started = false
    /// Errors read from Kafka, held for `nextEvents` callers that route them.
    private(set) var pendingErrors: [KafkaError] = []
    var routesErrors = false
    /// Set when the partition cannot go on (its position is out of range).
    private var stopped = false
    private let metrics: KafkaPartitionMetrics
    /// Where this read started (for the progress line).
    private let firstOffset: Int64

    init(
        consumer: SharedConsumer, pool: KafkaConsumerPool, topic: String, partition: Int32, resumeOffset: Int64?,
        startOffset: KafkaSource.StartOffset, tail: Bool, batchSize: Int, requestTimeout: Duration
    ) throws {
        self.consumer = consumer
        self.pool = pool
        self.topic = topic
        self.partition = partition
        self.batchSize = batchSize
        self.topicHandle = try consumer.topicHandle(topic)
        let client = consumer.client
        let marks = try client.watermarks(topic: topic, partition: partition, timeout: requestTimeout)
        if let resumeOffset {
            nextOffset = resumeOffset
        } else {
            switch startOffset {
            case .beginning: nextOffset = marks.low
            case .end: nextOffset = marks.high
            case .timestamp(let time):
                if let offset = try client.offset(topic: topic, partition: partition, at: time, timeout: requestTimeout) {
                    nextOffset = offset
                } else if client.isMockCluster(timeout: requestTimeout) {
                    // The mock cluster answers every timestamp lookup with "none".
                    nextOffset = try Self.scanForOffset(
                        at: time, topicHandle: topicHandle, topic: topic, partition: partition, low: marks.low,
                        high: marks.high, timeout: requestTimeout)
                } else {
                    nextOffset = marks.high
                }
            }
        }
        endOffset = tail ? nil : marks.high
        firstOffset = nextOffset
        metrics = KafkaPartitionMetrics(topic: topic, partition: partition, initialHigh: marks.high)
        buffer = .allocate(capacity: batchSize)
    }

    deinit {
        if started { rd_kafka_consume_stop(topicHandle, partition) }
        buffer.deallocate()
        pool.release()
    }

    public func nextBatch() throws -> [KafkaMessage]? {
        if let endOffset, nextOffset >= endOffset {
            metrics.ended(position: nextOffset)
            return nil
        }
        if stopped { return nil }
        if !started {
            guard rd_kafka_consume_start(topicHandle, partition, nextOffset) == 0 else {
                throw KafkaError.consumeFailed(
                    topic: topic, partition: partition, offset: nextOffset, reason: errorText(rd_kafka_last_error()))
            }
            started = true
        }
        let count = rd_kafka_consume_batch(topicHandle, partition, 0, buffer, batchSize)
        guard count >= 0 else {
            metrics.fetchFailed()
            throw KafkaError.consumeFailed(
                topic: topic, partition: partition, offset: nextOffset, reason: errorText(rd_kafka_last_error()))
        }
        var messages: [KafkaMessage] = []
        messages.reserveCapacity(count)
        var failure: KafkaError?
        for index in 0..<count {
            let raw = buffer[index]!
            defer { rd_kafka_message_destroy(raw) }
            let message = raw.pointee
            if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    reachedEnd(at: message.offset)
                    continue
                }
                metrics.fetchFailed()
                let error = KafkaError.consumeFailed(
                    topic: topic, partition: partition, offset: message.offset >= 0 ? message.offset : nextOffset,
                    reason: Self.messageError(message))
                if routesErrors { pendingErrors.append(error) } else if failure == nil { failure = error }
                // librdkafka stops fetching a partition whose position is out
                // of range: a routed partition ends there (its error is routed).
                if message.err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || message.err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET {
                    stopped = true
                }
                continue
            }
            if let endOffset, message.offset >= endOffset { continue }
            messages.append(Self.decode(raw, topic: topic, partition: partition))
            nextOffset = message.offset + 1
        }
        metrics.update(client: consumer.client, position: nextOffset)
        if let failure { throw failure }
        return messages
    }

    /// librdkafka reports the partition's end at `offset`, its fetch position:
    /// every message before it has been delivered, and the offsets between
    /// the last message and it hold transaction markers (a commit or abort
    /// marker takes an offset on a real broker, but no consumer receives it).
    /// The position moves there, so a finite read ends on a partition whose
    /// last offsets are markers, and a snapshot resumes past them. A finite
    /// read never moves past its end offset (messages after it are not read).
    private func reachedEnd(at offset: Int64) {
        guard offset >= 0 else { return }
        let reached = endOffset.map { min(offset, $0) } ?? offset
        if reached > nextOffset { nextOffset = reached }
    }

    /// The first offset in `low..<high` whose message is stamped at or after
    /// `time`, or `high` if none is, found by reading the partition: for
    /// librdkafka's mock cluster (`EmbeddedKafka`), which cannot look offsets
    /// up by time. Its partitions are small (at most about 5 MiB).
    private static func scanForOffset(
        at time: Date, topicHandle: OpaquePointer, topic: String, partition: Int32, low: Int64, high: Int64,
        timeout: Duration
    ) throws -> Int64 {
        guard low < high else { return high }
        let target = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
        guard rd_kafka_consume_start(topicHandle, partition, low) == 0 else {
            throw KafkaError.consumeFailed(
                topic: topic, partition: partition, offset: low, reason: errorText(rd_kafka_last_error()))
        }
        defer { rd_kafka_consume_stop(topicHandle, partition) }
        let capacity = 1000
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let deadline = ContinuousClock.now + timeout
        var last = low - 1
        while ContinuousClock.now < deadline {
            let count = rd_kafka_consume_batch(topicHandle, partition, 100, buffer, capacity)
            var found: Int64?
            var atEnd = false
            for index in 0..<max(0, count) {
                let raw = buffer[index]!
                defer { rd_kafka_message_destroy(raw) }
                // The end (past trailing transaction markers, which no message carries).
                if raw.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { atEnd = true }
                guard raw.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
                last = raw.pointee.offset
                if found == nil && rd_kafka_message_timestamp(raw, nil) >= target { found = last }
            }
            if let found { return found }
            if last >= high - 1 || atEnd { return high }
        }
        throw KafkaError.requestFailed(
            operation: "offsets for times", topic: topic, partition: partition,
            reason: "reading the partition for the first message at or after \(time) took longer than \(timeout)")
    }

    /// Takes the errors held for routing.
    func takeErrors() -> [KafkaError] {
        defer { pendingErrors.removeAll() }
        return pendingErrors
    }

    public func snapshot() -> Int64 { nextOffset }

    /// Messages (offsets) read of those up to the end seen at start; no total when tailing.
    package var readProgress: ReadProgress {
        let end = endOffset.map { max($0, firstOffset) }
        let read = min(nextOffset, end ?? .max) - firstOffset
        return ReadProgress(done: read, total: end.map { $0 - firstOffset }, unit: "messages")
    }

    public func close() throws {
        if started {
            rd_kafka_consume_stop(topicHandle, partition)
            started = false
        }
    }

    private static func messageError(_ message: rd_kafka_message_t) -> String {
        var text = errorText(message.err)
        if message.len > 0, let payload = message.payload {
            text += ": " + String(decoding: UnsafeRawBufferPointer(start: payload, count: message.len), as: UTF8.self)
        }
        return text
    }

    static func decode(_ raw: UnsafeMutablePointer<rd_kafka_message_t>, topic: String, partition: Int32) -> KafkaMessage {
        let message = raw.pointee
        let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        let value = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) }
        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(raw, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    KafkaHeader(
                        key: name.map { String(cString: $0) } ?? "",
                        value: bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(raw, &timestampType)
        return KafkaMessage(
            topic: topic, partition: partition, offset: message.offset, key: key, value: value ?? [],
            isNullValue: value == nil, headers: headers,
            timestamp: milliseconds >= 0 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil)
    }
}
