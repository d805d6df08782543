import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// `tail: false` reads up to the end offsets each partition had when the
/// source started and then ends by itself; `tail: true` keeps reading what
/// is produced later, until the run is stopped.
@Suite struct KafkaTailTests {
    static let partitions: Int32 = 3
    static let initial = 300
    static let later = 150

    /// `count` messages `"<prefix><i>"`, spread over every partition by name.
    static func messages(_ prefix: String, _ count: Int) -> [KafkaSinkMessage] {
        (0..<count).map { KafkaSinkMessage(key: nil, value: "\(prefix)\($0)", partition: Int32($0) % partitions) }
    }

    /// Each worker holds its first item until the test has produced more
    /// messages to every partition. A worker installs (builds) all of its
    /// partitions before it polls any, and none of them can have reached its
    /// end while the worker is held at its first item, so the later messages
    /// land while every partition is still being read — past the end offsets
    /// it saw at start. The run must end by itself with exactly the initial
    /// messages.
    @Test(arguments: [1, 2, 3])
    func finiteReadEndsAtTheEndOffsetsSeenAtStart(workers: Int) throws {
        let broker = try TestBroker()
        let topic = try broker.topic("finite", partitions: Int(Self.partitions))
        try produce(Self.messages("old-", Self.initial), to: topic, on: broker)

        let held = SharedSet<Int>()
        let gate = Signal()
        let sink = TestingSink<String>()
        let flow = Dataflow("finite")
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 10, tail: false))
            .inspectDebug("hold") { info in
                if held.insert(info.worker.rawValue) { gate.wait() }
            }
            .map("text") { $0.text }
            .output("out", sink)
        let running = start(flow, configuration: RunConfiguration(workers: workers))
        defer { gate.fire() }

        // Every worker owns a partition (there are at least as many), so each one gets held.
        try waitUntil("every worker holds its first item") { held.elements.count == workers }
        #expect(!running.isFinished)
        try produce(Self.messages("new-", Self.later), to: topic, on: broker)
        gate.fire()
        try awaitEnd(running)

        #expect(!gate.timedOut)
        #expect(sink.items.count == Self.initial)
        #expect(multiset(sink.items) == multiset((0..<Self.initial).map { "old-\($0)" }))
        // The later messages are there for a new reader: the run ignored them.
        let everything = try readAll(topic, on: broker)
        #expect(everything.count == Self.initial + Self.later)
        try broker.assertNoDroppedData()
    }

    /// A tailing run reads the initial messages, then the ones produced after
    /// it has read those, each once, until it is stopped.
    @Test(arguments: [1, 2, 3])
    func tailingReadKeepsReadingUntilStopped(workers: Int) throws {
        let broker = try TestBroker()
        let topic = try broker.topic("tail", partitions: Int(Self.partitions))
        try produce(Self.messages("old-", Self.initial), to: topic, on: broker)

        let sink = TestingSink<String>()
        let flow = Dataflow("tail")
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 50, tail: true))
            .map("text") { $0.text }
            .output("out", sink)
        let running = start(flow, configuration: RunConfiguration(workers: workers))
        defer { running.stop() }

        try waitUntil("the initial messages arrived (\(sink.items.count) so far)") {
            sink.items.count >= Self.initial
        }
        #expect(!running.isFinished, "a tailing run does not end at the end of the data")
        try produce(Self.messages("new-", Self.later), to: topic, on: broker)
        try waitUntil("the later messages arrived (\(sink.items.count) so far)") {
            sink.items.count >= Self.initial + Self.later
        }
        #expect(!running.isFinished)
        running.stop()
        try awaitEnd(running)

        let expected = (0..<Self.initial).map { "old-\($0)" } + (0..<Self.later).map { "new-\($0)" }
        #expect(sink.items.count == expected.count)
        #expect(duplicates(sink.items).isEmpty)
        #expect(multiset(sink.items) == multiset(expected))
        try broker.assertNoDroppedData()
    }
}
