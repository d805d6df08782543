import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Synchronization
import Testing

/// How long a run or an awaited condition may take before a test calls it
/// hung. Generous, and only a bound: no test passes or fails on timing.
let hangBound: Duration = .seconds(30)

/// Thrown after a helper recorded why the test cannot go on.
struct TestStopped: Error {}

/// Starts `flow` and waits for it to return, at most `hangBound`; records an
/// issue and throws if it hangs, rethrows the run's error.
func runBounded(
    _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let running = start(flow, configuration: RunConfiguration(workers: workers))
    try awaitEnd(running, sourceLocation: sourceLocation)
}

/// Waits for a started run to end, at most `hangBound`; records an issue and
/// throws if it does not.
func awaitEnd(_ running: RunningDataflow, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard try running.wait(timeout: hangBound) else {
        running.stop()
        Issue.record("the run did not return within \(hangBound): it hangs", sourceLocation: sourceLocation)
        throw TestStopped()
    }
}

/// Polls `condition` every few milliseconds until it holds; records an issue
/// and throws if it still does not after `hangBound`.
func waitUntil(
    _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + hangBound
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up after \(hangBound) waiting until \(what())", sourceLocation: sourceLocation)
            throw TestStopped()
        }
        Thread.sleep(forTimeInterval: 0.005)
    }
}

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
    try runBounded(flow, workers: 1)
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
    try runBounded(flow, workers: workers)
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

/// A gate that worker threads block on until the test opens it. A waiter
/// gives up after `hangBound` (recorded, so a test can report it rather than
/// hang).
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let opened = Atomic<Bool>(false)
    private let gaveUp = Atomic<Bool>(false)

    /// Lets every waiter (present and future) through.
    func open() {
        if opened.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            semaphore.signal()
        }
    }

    /// Blocks until `open()`, at most `hangBound`.
    func pass() {
        if opened.load(ordering: .acquiring) { return }
        if semaphore.wait(timeout: .now() + hangBound.timeInterval) == .timedOut {
            gaveUp.store(true, ordering: .releasing)
        } else {
            semaphore.signal()  // pass the token on to the next waiter
        }
    }

    /// True if a waiter gave up before the gate opened.
    var timedOut: Bool { gaveUp.load(ordering: .acquiring) }
}

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
    private let counter = Counter()

    init(_ inner: Inner) { self.inner = inner }

    /// How many partitions have been built so far (on any worker).
    var builtPartitions: Int { counter.value }

    func listPartitions() throws -> [PartitionKey] { try inner.listPartitions() }

    func buildPartition(_ key: PartitionKey, resumeState: Inner.Partition.ResumeState?) throws -> Inner.Partition {
        let partition = try inner.buildPartition(key, resumeState: resumeState)
        counter.increment()
        return partition
    }
}

/// A counter shared between threads.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    /// Adds one.
    func increment() { count.add(1, ordering: .acquiringAndReleasing) }

    /// The count so far.
    var value: Int { count.load(ordering: .acquiring) }
}

extension Duration {
    /// The duration in seconds.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
