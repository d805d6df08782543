import Foundation
import SluiceKafka

/// Kafka helpers for users' tests: produce messages, read a topic back, wait
/// until a topic holds a number of messages, on any broker (the embedded
/// one or a real one). Each call is bounded and throws a `KafkaError` naming
/// the topic on failure; none of them starts a dataflow.
///
/// ```swift
/// let kafka = try EmbeddedKafka()
/// try kafka.createTopic("in", partitions: 2)
/// let topics = KafkaTestTopics(brokers: [kafka.bootstrapServers])
/// try topics.produce([KafkaSinkMessage(key: "a", value: "1")], to: "in")
/// try topics.waitUntil("in", holds: 1)
/// let messages = try topics.readAll("in")   // [KafkaMessage] with key, value, headers, position
/// ```
public struct KafkaTestTopics: Sendable {
    /// Bootstrap brokers.
    public let brokers: [String]
    /// How long one request (metadata, offsets) may take. Default 10 s.
    public let requestTimeout: Duration

    /// - Parameters:
    ///   - brokers: Bootstrap brokers.
    ///   - requestTimeout: How long one request may take.
    public init(brokers: [String], requestTimeout: Duration = .seconds(10)) {
        self.brokers = brokers
        self.requestTimeout = requestTimeout
    }

    /// Produces `messages` to `topic` (a message naming another topic goes
    /// there) and waits until every one is delivered.
    ///
    /// ```swift
    /// try topics.produce(["a", "b"].map { KafkaSinkMessage(key: nil, value: $0) }, to: "in")
    /// ```
    /// - Throws: `KafkaError.topicNotFound` for a missing topic, or a delivery error.
    public func produce(_ messages: [KafkaSinkMessage], to topic: String) throws {
        try KafkaTopicWriter(brokers: brokers, requestTimeout: requestTimeout).produce(messages, to: topic)
    }

    /// Produces UTF-8 text values (no keys) to `topic`.
    ///
    /// ```swift
    /// try topics.produce(values: ["one", "two"], to: "lines")
    /// ```
    /// - Throws: As `produce(_:to:)`.
    public func produce(values: [String], to topic: String) throws {
        try produce(values.map { KafkaSinkMessage(key: nil, value: $0) }, to: topic)
    }

    /// Every message of `topic` up to the end of each partition, in offset
    /// order per partition (partitions in id order).
    ///
    /// ```swift
    /// let values = try topics.readAll("out").map { String(decoding: $0.value, as: UTF8.self) }
    /// ```
    /// - Parameters:
    ///   - topic: The topic.
    ///   - readCommitted: Leave out messages of aborted and open transactions.
    ///   - timeout: The longest the read may take.
    /// - Throws: `KafkaError.topicNotFound`, or `.consumeFailed` when the end is not reached in time.
    public func readAll(_ topic: String, readCommitted: Bool = false, timeout: Duration = .seconds(30)) throws -> [KafkaMessage] {
        let reader = try KafkaTopicReader(
            brokers: brokers, topic: topic, fromEnd: false, readCommitted: readCommitted, requestTimeout: requestTimeout)
        return try reader.readToEnd(timeout: timeout).sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }

    /// Every message of several topics (see `readAll(_:readCommitted:timeout:)`), topic by topic.
    ///
    /// ```swift
    /// let all = try topics.readAll(["totals", "windows"])
    /// ```
    /// - Throws: As `readAll(_:readCommitted:timeout:)`.
    public func readAll(_ topics: [String], readCommitted: Bool = false, timeout: Duration = .seconds(30)) throws -> [KafkaMessage] {
        try topics.flatMap { try readAll($0, readCommitted: readCommitted, timeout: timeout) }
    }

    /// Waits until `topic` holds at least `count` messages (the sum over its
    /// partitions of high minus low watermark; on a real broker a
    /// transaction's commit marker counts as one) and returns how many it holds.
    ///
    /// ```swift
    /// try topics.waitUntil("out", holds: 100, timeout: .seconds(20))
    /// ```
    /// - Parameters:
    ///   - topic: The topic.
    ///   - count: How many messages to wait for.
    ///   - timeout: The longest to wait.
    /// - Throws: `KafkaError.topicNotFound`, or `KafkaTestTopicsError.timedOut` saying how many it held.
    @discardableResult
    public func waitUntil(_ topic: String, holds count: Int, timeout: Duration = .seconds(30)) throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let marks = try KafkaAdmin.watermarks(of: topic, brokers: brokers, timeout: requestTimeout)
            let held = Int(marks.values.reduce(0) { $0 + ($1.high - $1.low) })
            if held >= count { return held }
            guard ContinuousClock.now < deadline else {
                throw KafkaTestTopicsError.timedOut(topic: topic, expected: count, held: held, timeout: timeout)
            }
            // Polling the broker: there is no event to wait on from outside.
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// Why a `KafkaTestTopics` wait failed.
///
/// ```swift
/// catch KafkaTestTopicsError.timedOut(let topic, let expected, let held, _) { print(topic, expected, held) }
/// ```
public enum KafkaTestTopicsError: Error, CustomStringConvertible, Sendable {
    /// The topic did not reach the count in time.
    case timedOut(topic: String, expected: Int, held: Int, timeout: Duration)

    public var description: String {
        switch self {
        case let .timedOut(topic, expected, held, timeout):
            return "Kafka topic '\(topic)' held \(held) messages after \(timeout), expected at least \(expected)"
        }
    }
}
