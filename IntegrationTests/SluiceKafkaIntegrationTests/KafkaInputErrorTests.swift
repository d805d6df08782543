import Foundation
import Sluice
import SluiceTestSupport
@testable import SluiceKafka
import SluiceTesting
import Synchronization
import Testing

/// A Kafka source whose chosen partitions resume at chosen offsets, as a
/// recovered run would (the engine has no recovery store yet, so the test
/// supplies the positions).
struct ResumingKafkaSource: PartitionedSource {
    let source: KafkaSource
    let resume: [PartitionKey: Int64]

    func listPartitions() throws -> [PartitionKey] { try source.listPartitions() }
    func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> KafkaSourcePartition {
        try source.buildPartition(key, resumeState: resume[key] ?? resumeState)
    }
}

/// `ResumingKafkaSource` for `kafkaInput`'s error-routing source.
struct ResumingRoutingSource: PartitionedSource {
    let source: KafkaRoutingSource
    let resume: [PartitionKey: Int64]

    func listPartitions() throws -> [PartitionKey] { try source.listPartitions() }
    func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> KafkaRoutingSource.Partition {
        try source.buildPartition(key, resumeState: resume[key] ?? resumeState)
    }
}

/// Errors Kafka reports while consuming: `Dataflow.kafkaInput(_:_:)` sends
/// them to `errors` and goes on, plain `input` stops the run with them.
///
/// The embedded broker cannot make a fresh consumer see an error: failed
/// fetches (`failNextRequests`) are retried by librdkafka and a broker that
/// goes down is reconnected to, neither reaching the partition. The one error
/// it can produce is a position the broker does not have (what a recovered run
/// meets when retention deleted its resume offset) with
/// `auto.offset.reset=error`, Sluice's default (librdkafka's own default would
/// silently jump to the end of the partition). Reaching that position needs a resume state,
/// which only the engine's (future) recovery passes, hence the wrappers above
/// and `@testable` for `kafkaInput`'s routing source.
@Suite(.onOwnThread) struct KafkaInputErrorTests {
    @Test(.enabled(if: !TestBroker.usesExternalBroker, "fetch failures can only be injected into the embedded broker"))
    func failedFetchesAreRetriedAndEveryMessageArrives() throws {
        let broker = try TestBroker()
        let embedded = try #require(broker.embedded)
        let topic = try broker.topic("fetch", partitions: 3)
        let produced = (0..<200).map { "m\($0)" }
        try ErrorPath.produce(produced.map { KafkaSinkMessage(key: $0, value: $0) }, to: topic, on: broker)

        for workers in [1, 2, 3] {
            embedded.failNextRequests(apiKey: 1, count: 5)
            let flow = Dataflow("test")
            let messages = TestingSink<String>()
            let errors = TestingSink<String>()
            let kafka = flow.kafkaInput("in", KafkaSource(brokers: broker.brokers, topics: [topic], tail: false))
            kafka.messages.map("text") { try $0.value(as: .utf8) }.output("out", messages)
            kafka.errors.map("describe") { "\($0)" }.output("errors", errors)
            try ErrorPath.expectSuccess(flow, workers: workers)

            #expect(messages.items.sorted() == produced.sorted(), "workers=\(workers)")
            // librdkafka retries the failed fetches itself: nothing to route.
            #expect(errors.items.isEmpty, "workers=\(workers): \(errors.items)")
        }
        try broker.assertNoDroppedData()
    }

    @Test func aConsumeErrorIsRoutedToErrorsAndTheOtherPartitionsGoOn() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("routed", partitions: 2)
        let produced = (0..<40).map { KafkaSinkMessage(key: nil, value: "p\($0 % 2)-\($0)", partition: Int32($0 % 2)) }
        try ErrorPath.produce(produced, to: topic, on: broker)
        let expected = Set(produced.filter { $0.partition == 1 }.map { String(decoding: $0.value, as: UTF8.self) })
        let broken = KafkaSource.key(topic: topic, partition: 0)

        for workers in [1, 2] {
            let flow = Dataflow("test")
            let messages = TestingSink<String>()
            let errors = TestingSink<KafkaError>()
            let source = KafkaSource(brokers: broker.brokers, topics: [topic], config: ["auto.offset.reset": "error"])
            // kafkaInput, with partition 0 resuming past its end.
            let events = flow.input(
                "in", ResumingRoutingSource(source: KafkaRoutingSource(source: source), resume: [broken: 1000]))
            events.compactMap("in_messages") { if case .message(let m) = $0 { return m } else { return nil } }
                .map("text") { try $0.value(as: .utf8) }.output("out", messages)
            events.compactMap("in_errors") { if case .error(let e) = $0 { return e } else { return nil } }
                .output("errors", errors)

            // Tail mode: wait (bounded) for both streams, then stop.
            let running = start(flow, configuration: RunConfiguration(workers: workers))
            let deadline = ContinuousClock.now + ErrorPath.hangBound
            while (errors.items.isEmpty || Set(messages.items) != expected) && ContinuousClock.now < deadline {
                if try running.wait(timeout: .milliseconds(50)) { break }
            }
            running.stop()
            let ended = try running.wait(timeout: ErrorPath.hangBound)
            #expect(ended, "workers=\(workers): the run did not stop")

            #expect(messages.items.sorted() == expected.sorted(), "workers=\(workers): partition 1 is read in full")
            try #require(!errors.items.isEmpty, "workers=\(workers): the consume error was not routed")
            for error in errors.items {
                guard case let .consumeFailed(failedTopic, partition, offset, reason) = error else {
                    Issue.record("workers=\(workers): expected consumeFailed, got \(error)")
                    continue
                }
                #expect(failedTopic == topic && partition == 0 && offset == 1000, "workers=\(workers): \(error)")
                #expect(reason.contains("Offset out of range"), "\(reason)")
            }
        }
        try broker.assertNoDroppedData()
    }

    @Test func withoutRoutingAConsumeErrorStopsTheRun() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("raised", partitions: 2)
        try ErrorPath.produce((0..<20).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)") }, to: topic, on: broker)
        let broken = KafkaSource.key(topic: topic, partition: 1)
        let flow = Dataflow("test")
        // Sluice's default settings: an out-of-range position is an error.
        let source = KafkaSource(brokers: broker.brokers, topics: [topic])
        flow.input("in", ResumingKafkaSource(source: source, resume: [broken: 1000]))
            .output("out", TestingSink<KafkaMessage>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 2)

        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == broken)
        guard case let .consumeFailed(failedTopic, failedPartition, offset, reason)? = underlying as? KafkaError else {
            Issue.record("expected consumeFailed, got \(underlying)")
            return
        }
        #expect(failedTopic == topic && failedPartition == 1 && offset == 1000)
        #expect(reason.contains("Offset out of range"), "\(reason)")
        #expect(error.description.contains("topic '\(topic)' partition 1 at offset 1000"), "\(error)")
        try broker.assertNoDroppedData()
    }
}
