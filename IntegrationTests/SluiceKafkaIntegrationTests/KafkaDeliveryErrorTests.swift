import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Messages the producer cannot deliver: the run stops with the topic, the
/// partition and librdkafka's reason, instead of dropping them.
@Suite(.onOwnThread) struct KafkaDeliveryErrorTests {
    @Test func aMessageForAPartitionThatDoesNotExistStopsTheRun() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("two", partitions: 2)
        var messages = (0..<10).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)") }
        messages.append(KafkaSinkMessage(key: "lost", value: "nowhere", partition: 99))
        let flow = Dataflow("test")
        flow.input("in", TestingSource(messages, batchSize: 4))
            .output("out", KafkaSink(brokers: broker.brokers, topic: topic, flushTimeout: .seconds(20)))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard case let .sinkFailed(step, _, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        // Refused at once when the producer already knows the topic's
        // partitions, or by its delivery report when it learns them later.
        switch underlying as? KafkaError {
        case let .produceFailed(failedTopic, partition, reason)?:
            #expect(failedTopic == topic && partition == 99)
            #expect(reason.contains("Unknown partition"), "\(reason)")
        case let .deliveryFailed(failedTopic, partition, reason)?:
            #expect(failedTopic == topic && partition == 99)
            #expect(reason.contains("Unknown partition"), "\(reason)")
        default:
            Issue.record("expected produceFailed or deliveryFailed, got \(underlying)")
        }
        #expect(error.description.contains("'\(topic)' partition 99"), "\(error)")
        try broker.assertNoDroppedData()
    }

    @Test func aMessageWithoutATopicForASinkWithoutOneStopsTheRun() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("named", partitions: 1)
        let flow = Dataflow("test")
        let messages = [KafkaSinkMessage(topic: topic, key: "a", value: "named"), KafkaSinkMessage(key: "b", value: "unnamed")]
        flow.input("in", TestingSource(messages))
            .output("out", KafkaSink(brokers: broker.brokers))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        guard case let .produceFailed(_, _, reason) = cause else {
            Issue.record("expected produceFailed, got \(cause)")
            return
        }
        #expect(reason.contains("names no topic"), "\(reason)")
        try broker.assertNoDroppedData()
    }

    @Test func aMessageLargerThanMessageMaxBytesStopsTheRun() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("small", partitions: 2)
        let big = KafkaSinkMessage(key: nil, value: [UInt8](repeating: 0x61, count: 5_000), partition: 1)
        let flow = Dataflow("test")
        flow.input("in", TestingSource([KafkaSinkMessage(key: "a", value: "fits"), big]))
            .output("out", KafkaSink(brokers: broker.brokers, topic: topic, config: ["message.max.bytes": "2000"]))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        guard case let .produceFailed(failedTopic, partition, reason) = cause else {
            Issue.record("expected produceFailed, got \(cause)")
            return
        }
        #expect(failedTopic == topic)
        #expect(partition == 1)
        #expect(reason.contains("too large"), "\(reason)")
        #expect(error.description.contains("'\(topic)' partition 1"), "\(error)")
        try broker.assertNoDroppedData()
    }

    @Test(.enabled(
        if: !TestBroker.usesExternalBroker, "a real broker cannot be made to reject produce requests (needs the embedded broker)"))
    func aMessageTheBrokerKeepsRejectingStopsTheRunWithItsPartition() throws {
        let broker = try TestBroker()
        let embedded = try #require(broker.embedded)
        let topic = try broker.topic("rejected", partitions: 2)
        // Every produce request fails (NOT_LEADER_OR_FOLLOWER, which librdkafka
        // retries), so each message times out after message.timeout.ms and its
        // delivery report fails: asynchronously, with the partition known.
        embedded.failNextRequests(apiKey: 0, count: 10_000)
        let flow = Dataflow("test")
        let messages = (0..<10).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)", partition: Int32($0 % 2)) }
        flow.input("in", TestingSource(messages))
            .output(
                "out",
                KafkaSink(
                    brokers: broker.brokers, topic: topic, config: ["message.timeout.ms": "3000"],
                    flushTimeout: .seconds(20)))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        guard case let .deliveryFailed(failedTopic, partition, reason) = cause else {
            Issue.record("expected deliveryFailed, got \(cause)")
            return
        }
        #expect(failedTopic == topic)
        #expect([0, 1].contains(partition), "partition \(partition)")
        #expect(reason.contains("timed out"), "\(reason)")
        #expect(error.description.contains("'\(topic)' partition \(partition)"), "\(error)")
    }
}
