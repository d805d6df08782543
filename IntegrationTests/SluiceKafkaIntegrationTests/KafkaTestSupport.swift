import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Produces `messages` with a `KafkaSink` (one worker, batches of 100) and
/// returns once every one is delivered.
func produce(
    _ messages: [KafkaSinkMessage], to topic: String?, on broker: TestBroker, config: [String: String] = [:]
) throws {
    try produce(messages, to: topic, brokers: broker.brokers, config: config)
}

/// `produce` to a broker given by its bootstrap addresses.
func produce(
    _ messages: [KafkaSinkMessage], to topic: String?, brokers: [String], config: [String: String] = [:]
) throws {
    let flow = Dataflow("produce")
    flow.input("messages", TestingSource(messages, batchSize: 100))
        .output("kafka", KafkaSink(brokers: brokers, topic: topic, config: config))
    try runToEnd(flow, workers: 1)
}

/// Produces text messages `"<prefix><i>"` for `i` in `range`, keyed by the
/// same text so that the producer's partitioner spreads them.
func produceText(_ prefix: String, _ range: Range<Int>, to topic: String, on broker: TestBroker) throws {
    try produce(range.map { KafkaSinkMessage(key: "\(prefix)\($0)", value: "\(prefix)\($0)") }, to: topic, on: broker)
}

/// Reads every message of `topics` with a finite `KafkaSource`.
func readAll(
    _ topics: [String], on broker: TestBroker, workers: Int = 1, startOffset: KafkaSource.StartOffset = .beginning
) throws -> [KafkaMessage] {
    try readAll(topics, brokers: broker.brokers, workers: workers, startOffset: startOffset)
}

/// `readAll` from a broker given by its bootstrap addresses.
func readAll(
    _ topics: [String], brokers: [String], workers: Int = 1, startOffset: KafkaSource.StartOffset = .beginning
) throws -> [KafkaMessage] {
    let flow = Dataflow("read")
    let sink = TestingSink<KafkaMessage>()
    flow.input("kafka", KafkaSource(brokers: brokers, topics: topics, startOffset: startOffset, tail: false))
        .output("out", sink)
    try runToEnd(flow, workers: workers)
    return sink.items
}

/// `readAll` of one topic.
func readAll(_ topic: String, on broker: TestBroker, workers: Int = 1) throws -> [KafkaMessage] {
    try readAll([topic], on: broker, workers: workers)
}

/// How many times each element occurs (compare multisets with `==`).
func multiset<Element: Hashable>(_ items: some Sequence<Element>) -> [Element: Int] {
    items.reduce(into: [:]) { $0[$1, default: 0] += 1 }
}

/// The elements that occur more than once.
func duplicates<Element: Hashable>(_ items: some Sequence<Element>) -> [Element] {
    multiset(items).filter { $0.value > 1 }.map(\.key)
}

extension KafkaMessage {
    /// The value as UTF-8 text.
    var text: String { String(decoding: value, as: UTF8.self) }
    /// The key as UTF-8 text, nil without a key.
    var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    /// The timestamp in whole milliseconds since 1970 (Kafka's precision).
    var timestampMilliseconds: Int64? { timestamp.map(milliseconds) }
}

/// A date in whole milliseconds since 1970.
func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

/// A set shared between threads.
final class SharedSet<Element: Hashable & Sendable>: Sendable {
    private let storage = Mutex<Set<Element>>([])

    /// Inserts `element`; true if it was new.
    @discardableResult
    func insert(_ element: Element) -> Bool { storage.withLock { $0.insert(element).inserted } }

    /// The elements so far.
    var elements: Set<Element> { storage.withLock { $0 } }
}

/// Wraps a source and counts the partitions it has built, so a test can wait
/// until the source has settled its start (and end) offsets.
struct ObservedSource<Inner: PartitionedSource>: PartitionedSource {
    let inner: Inner
    private let counter = SharedCounter()

    init(_ inner: Inner) { self.inner = inner }

    /// How many partitions have been built so far (on any worker).
    var builtPartitions: Int { counter.count }

    func listPartitions() throws -> [PartitionKey] { try inner.listPartitions() }

    func buildPartition(_ key: PartitionKey, resumeState: Inner.Partition.ResumeState?) throws -> Inner.Partition {
        let partition = try inner.buildPartition(key, resumeState: resumeState)
        counter.increment()
        return partition
    }
}
