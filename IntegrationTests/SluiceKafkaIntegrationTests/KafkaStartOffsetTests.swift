import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Where a partition without a resume position starts: `.beginning` (the
/// default), `.end` (only what is produced after the source started) and
/// `.timestamp(t)` (the first message at or after `t`).
@Suite struct KafkaStartOffsetTests {
    static let partitions: Int32 = 3

    /// `count` messages `"<prefix><i>"`, spread over every partition by name.
    static func messages(_ prefix: String, _ count: Int, timestamp: ((Int) -> Date)? = nil) -> [KafkaSinkMessage] {
        (0..<count).map {
            KafkaSinkMessage(
                key: nil, value: "\(prefix)\($0)", partition: Int32($0) % partitions, timestamp: timestamp?($0))
        }
    }

    @Test(arguments: [1, 3])
    func beginningReadsEverythingAndIsTheDefault(workers: Int) throws {
        #expect(KafkaSource(brokers: ["unused:9092"], topics: ["t"]).startOffset == .beginning)
        let broker = try TestBroker()
        let topic = try broker.topic("beginning", partitions: Int(Self.partitions))
        try produce(Self.messages("m", 300), to: topic, on: broker)

        let read = try readAll([topic], on: broker, workers: workers, startOffset: .beginning)
        #expect(multiset(read.map(\.text)) == multiset((0..<300).map { "m\($0)" }))
        try broker.assertNoDroppedData()
    }

    /// The run starts while old messages are in the topic; once every
    /// partition has been built (its start offset fixed), new messages are
    /// produced. Only those are read.
    @Test(arguments: [1, 2, 3])
    func endReadsOnlyMessagesProducedAfterTheStart(workers: Int) throws {
        let broker = try TestBroker()
        let topic = try broker.topic("end", partitions: Int(Self.partitions))
        try produce(Self.messages("old-", 300), to: topic, on: broker)

        let source = ObservedSource(
            KafkaSource(brokers: broker.brokers, topics: [topic], startOffset: .end, tail: true))
        let sink = TestingSink<String>()
        let flow = Dataflow("end")
        flow.input("in", source).map("text") { $0.text }.output("out", sink)
        let running = start(flow, configuration: RunConfiguration(workers: workers))
        defer { running.stop() }

        try waitUntil("every partition was built") { source.builtPartitions == Int(Self.partitions) }
        try produce(Self.messages("new-", 120), to: topic, on: broker)
        try waitUntil("the new messages arrived (\(sink.items.count) so far)") { sink.items.count >= 120 }
        running.stop()
        try awaitEnd(running)

        #expect(sink.items.count == 120)
        #expect(multiset(sink.items) == multiset((0..<120).map { "new-\($0)" }))
        try broker.assertNoDroppedData()
    }

    /// Messages carry explicit timestamps: a minute before `t`, then from `t`
    /// on (the first exactly at `t`). `.timestamp(t)` reads exactly the later
    /// ones; a time before all reads all, a time after all reads none.
    @Test(arguments: [1, 3])
    func timestampStartsAtTheFirstMessageAtOrAfterIt(workers: Int) throws {
        let broker = try TestBroker()
        let topic = try broker.topic("timestamp", partitions: Int(Self.partitions))
        let t = Date(timeIntervalSince1970: TimeInterval(milliseconds(Date()) - 3_600_000) / 1000)
        let before = Self.messages("before-", 150) { t.addingTimeInterval(-60 + Double($0) / 1000) }
        let after = Self.messages("after-", 150) { t.addingTimeInterval(Double($0) / 1000) }
        try produce(before + after, to: topic, on: broker)

        let fromT = try readAll([topic], on: broker, workers: workers, startOffset: .timestamp(t))
        #expect(multiset(fromT.map(\.text)) == multiset(after.map { String(decoding: $0.value, as: UTF8.self) }))
        #expect(fromT.allSatisfy { $0.timestampMilliseconds! >= milliseconds(t) })

        let fromEarlier = try readAll(
            [topic], on: broker, workers: workers, startOffset: .timestamp(t.addingTimeInterval(-3600)))
        #expect(fromEarlier.count == before.count + after.count)

        let fromLater = try readAll(
            [topic], on: broker, workers: workers, startOffset: .timestamp(t.addingTimeInterval(3600)))
        #expect(fromLater.isEmpty)
        try broker.assertNoDroppedData()
    }
}
