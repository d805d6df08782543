import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Kafka failures at the edges of a run: brokers that do not answer, a topic
/// that does not exist, settings librdkafka refuses. Each stops the run (never
/// hangs) with a `DataflowError` naming the step and a `KafkaError` naming the
/// cause.
@Suite(.onOwnThread) struct KafkaErrorTests {
    // MARK: Unreachable brokers

    @Test func unreachableBrokersStopASourceWithinThirtySeconds() throws {
        // Default settings: the issue promises an error within 30 s.
        let flow = Dataflow("test")
        flow.input("in", KafkaSource(brokers: ErrorPath.unreachable, topics: ["orders"]))
            .output("out", TestingSink<KafkaMessage>())
        let (error, elapsed) = try ErrorPath.expectFailure(flow, workers: 2)

        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == nil, "no partition could be listed")
        guard case let .brokersUnreachable(brokers, reason)? = underlying as? KafkaError else {
            Issue.record("expected brokersUnreachable, got \(underlying)")
            return
        }
        #expect(brokers == "127.0.0.1:1")
        #expect(reason.contains("metadata"), "the reason names the request that got no answer: \(reason)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        #expect(error.description.contains("test.in") && error.description.contains("127.0.0.1:1"), "\(error)")
    }

    @Test func unreachableBrokersStopAKafkaInputToo() throws {
        // kafkaInput routes consume errors, but an unreachable cluster still stops the run.
        let flow = Dataflow("test")
        let kafka = flow.kafkaInput(
            "in", KafkaSource(brokers: ErrorPath.unreachable, topics: ["orders"], requestTimeout: .seconds(2)))
        kafka.messages.output("out", TestingSink<KafkaMessage>())
        kafka.errors.map("text") { "\($0)" }.output("errors", TestingSink<String>())
        let (error, elapsed) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.in")
        guard case .brokersUnreachable(let brokers, _) = cause else {
            Issue.record("expected brokersUnreachable, got \(cause)")
            return
        }
        #expect(brokers == "127.0.0.1:1")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test func unreachableBrokersStopASinkAtStartWithDefaultSettings() throws {
        // The sink asks the cluster for metadata when it is built, so with
        // default settings an unreachable cluster fails within the request
        // timeout (10 s), not at the first flush.
        let flow = Dataflow("test")
        flow.input("in", TestingSource((0..<20).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)") }, batchSize: 5))
            .output("out", KafkaSink(brokers: ErrorPath.unreachable, topic: "orders"))
        let (error, elapsed) = try ErrorPath.expectFailure(flow, workers: 1)

        guard case let .sinkFailed(step, _, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        guard case let .brokersUnreachable(brokers, _)? = underlying as? KafkaError else {
            Issue.record("expected brokersUnreachable, got \(underlying)")
            return
        }
        #expect(brokers == "127.0.0.1:1")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    /// A sink whose broker goes away after start: the messages time out and
    /// the delivery reports stop the run (embedded broker only).
    private func runSinkWhileBrokerGoesDown(config: [String: String], flushTimeout: Duration) throws -> (DataflowError, Duration) {
        let broker = try TestBroker()
        let embedded = try #require(broker.embedded, "taking the broker down needs the embedded broker")
        let topic = try broker.topic("orders", partitions: 1)
        let flow = Dataflow("test")
        flow.input("in", TestingSource((0..<20).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)") }, batchSize: 5))
            .inspect("down_at_first") { message in
                if message.key == Array("k0".utf8) { try embedded.setBrokerDown(1) }
            }
            .output("out", KafkaSink(brokers: broker.brokers, topic: topic, config: config, flushTimeout: flushTimeout))
        let (error, elapsed) = try ErrorPath.expectFailure(flow, workers: 1)
        try embedded.setBrokerUp(1)
        return (error, elapsed)
    }

    /// The reason of a `deliveryFailed` that stopped sink step `test.out`
    /// (recording an issue and returning nil for any other error).
    private func deliveryFailureReason(
        _ error: DataflowError, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        guard case let .sinkFailed(step, _, underlying) = error, step == "test.out",
            case let .deliveryFailed(_, _, reason)? = underlying as? KafkaError
        else {
            Issue.record("expected sink step test.out to fail with deliveryFailed, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return reason
    }

    @Test(.enabled(if: !TestBroker.usesExternalBroker, "taking the broker down needs the embedded broker"))
    func aBrokerThatGoesAwayStopsASinkOnceMessagesTimeOut() throws {
        // The flush may wait far longer than the message timeout, so the
        // messages' own timeout is what ends the run, even on a loaded machine.
        let (error, elapsed) = try runSinkWhileBrokerGoesDown(
            config: ["message.timeout.ms": "2000"], flushTimeout: .seconds(25))
        guard let reason = deliveryFailureReason(error) else { return }
        #expect(reason.contains("Message timed out"), "\(reason)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test(.enabled(if: !TestBroker.usesExternalBroker, "taking the broker down needs the embedded broker"))
    func aBrokerThatGoesAwayStopsASinkWhenTheFlushTimesOut() throws {
        // With messages allowed to wait longer than the flush, the flush gives
        // up and says how many messages are still undelivered.
        let (error, elapsed) = try runSinkWhileBrokerGoesDown(config: [:], flushTimeout: .seconds(2))
        guard let reason = deliveryFailureReason(error) else { return }
        #expect(reason.contains("still undelivered"), "\(reason)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }

    @Test func aPartitionWhoseLeaderIsDownStopsTheRunWithinTheRequestTimeout() throws {
        // Bootstrap answers but one partition leader does not (as with a
        // broker that is down, or one advertising an address the client
        // cannot reach). Needs three brokers, so it always runs on its own
        // embedded cluster. The mock cluster picks leaders at random (broker
        // 2 led no partition in about 1 run of 10, and every read then
        // succeeded), so the test sets them: broker 2 leads 1 and 4.
        let kafka = try EmbeddedKafka(brokers: 3)
        try kafka.createTopic("led", partitions: 6)
        for partition in Int32(0)..<6 { try kafka.setPartitionLeader(topic: "led", partition: partition, broker: partition % 3 + 1) }
        let brokers = [kafka.bootstrapServers]
        let produce = Dataflow("produce")
        produce.input("in", TestingSource((0..<60).map { KafkaSinkMessage(key: "k\($0)", value: "v\($0)") }))
            .output("out", KafkaSink(brokers: brokers, topic: "led"))
        try ErrorPath.expectSuccess(produce, workers: 1)
        try kafka.setBrokerDown(2)

        func read(into sink: TestingSink<KafkaMessage>) -> Dataflow {
            let flow = Dataflow("test")
            flow.input("in", KafkaSource(brokers: brokers, topics: ["led"], tail: false, requestTimeout: .seconds(3)))
                .output("out", sink)
            return flow
        }
        let (error, elapsed) = try ErrorPath.expectFailure(read(into: TestingSink()), workers: 2)
        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(["1-led", "4-led"].contains(partition?.rawValue), "names a partition led by broker 2: \(String(describing: partition))")
        guard case let .brokersUnreachable(_, reason)? = underlying as? KafkaError else {
            Issue.record("expected brokersUnreachable, got \(underlying)")
            return
        }
        #expect(reason.contains("watermark query"), "\(reason)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")

        // With the broker back, the same read gets everything.
        try kafka.setBrokerUp(2)
        let sink = TestingSink<KafkaMessage>()
        try ErrorPath.expectSuccess(read(into: sink), workers: 2)
        #expect(Set(sink.items.map { String(decoding: $0.value, as: UTF8.self) }) == Set((0..<60).map { "v\($0)" }))
        #expect(sink.items.count == 60)
        #expect(try kafka.droppedData().isEmpty)
    }

    @Test func settingTheLeaderOfAnUnknownPartitionOrToAnUnknownBrokerFailsNamingIt() throws {
        let kafka = try EmbeddedKafka(brokers: 2)
        try kafka.createTopic("led", partitions: 2)
        try kafka.setPartitionLeader(topic: "led", partition: 1, broker: 2)
        for (topic, partition, broker, named) in [("other", 0, 1, "'other'"), ("led", 2, 1, "partition 2"), ("led", 0, 3, "broker 3")] {
            let error = #expect(throws: KafkaError.self) {
                try kafka.setPartitionLeader(topic: topic, partition: Int32(partition), broker: Int32(broker))
            }
            guard case .embeddedBroker(let reason)? = error else {
                Issue.record("expected embeddedBroker, got \(String(describing: error))")
                continue
            }
            #expect(reason.contains(named), "\(reason)")
        }
        #expect(try KafkaAdmin.partitions(of: "led", brokers: [kafka.bootstrapServers]) == [0, 1])
        #expect(throws: KafkaError.self) { try KafkaAdmin.partitions(of: "other", brokers: [kafka.bootstrapServers]) }
    }

    // MARK: Missing topic

    @Test func aMissingTopicStopsTheRunNamingTheTopic() throws {
        let broker = try TestBroker()
        let present = try broker.topic("present", partitions: 2)
        let missing = "missing-\(UUID().uuidString.prefix(8).lowercased())"
        let flow = Dataflow("test")
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [present, missing], tail: false))
            .output("out", TestingSink<KafkaMessage>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 2)

        guard case let .sourceFailed(step, _, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        guard case let .topicNotFound(topic, brokers)? = underlying as? KafkaError else {
            Issue.record("expected topicNotFound, got \(underlying)")
            return
        }
        #expect(topic == missing)
        #expect(brokers == broker.brokers.joined(separator: ","))
        #expect(error.description.contains("'\(missing)'"), "\(error)")
        // Asking about it did not create it.
        #expect(throws: KafkaError.self) { try KafkaAdmin.partitions(of: missing, brokers: broker.brokers) }
    }

    @Test func aMissingTopicStopsAKafkaInputToo() throws {
        let broker = try TestBroker()
        let missing = "missing-\(UUID().uuidString.prefix(8).lowercased())"
        let flow = Dataflow("test")
        let kafka = flow.kafkaInput("in", KafkaSource(brokers: broker.brokers, topics: [missing]))
        kafka.messages.output("out", TestingSink<KafkaMessage>())
        kafka.errors.map("text") { "\($0)" }.output("errors", TestingSink<String>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.in")
        guard case .topicNotFound(let topic, _) = cause else {
            Issue.record("expected topicNotFound, got \(cause)")
            return
        }
        #expect(topic == missing)
    }

    // MARK: Configuration

    @Test func anUnknownSourceSettingStopsTheRunNamingTheKey() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("config", partitions: 1)
        let flow = Dataflow("test")
        flow.input(
            "in", KafkaSource(brokers: broker.brokers, topics: [topic], tail: false, config: ["fetch.wait.maximum": "5"])
        )
        .output("out", TestingSink<KafkaMessage>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 2)

        guard case let .sourceFailed(step, _, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        guard case let .invalidConfiguration(key, value, reason)? = underlying as? KafkaError else {
            Issue.record("expected invalidConfiguration, got \(underlying)")
            return
        }
        #expect(key == "fetch.wait.maximum" && value == "5")
        #expect(reason.contains("unknown configuration key"), "\(reason)")
        #expect(error.description.contains("test.in") && error.description.contains("'fetch.wait.maximum'"), "\(error)")
    }

    @Test func anInvalidSourceValueStopsTheRunNamingTheKey() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("config", partitions: 1)
        let flow = Dataflow("test")
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [topic], config: ["fetch.wait.max.ms": "soon"]))
            .output("out", TestingSink<KafkaMessage>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.in")
        guard case .invalidConfiguration(let key, let value, _) = cause else {
            Issue.record("expected invalidConfiguration, got \(cause)")
            return
        }
        #expect(key == "fetch.wait.max.ms" && value == "soon")
    }

    @Test func anUnknownSinkSettingStopsTheRunNamingTheKey() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("config", partitions: 1)
        let flow = Dataflow("test")
        flow.input("in", TestingSource([KafkaSinkMessage(key: "k", value: "v")]))
            .output("out", KafkaSink(brokers: broker.brokers, topic: topic, config: ["linger.milliseconds": "5"]))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 2)

        guard case let .sinkFailed(step, _, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        guard case let .invalidConfiguration(key, _, reason)? = underlying as? KafkaError else {
            Issue.record("expected invalidConfiguration, got \(underlying)")
            return
        }
        #expect(key == "linger.milliseconds")
        #expect(reason.contains("unknown configuration key"), "\(reason)")
        #expect(error.description.contains("test.out") && error.description.contains("'linger.milliseconds'"), "\(error)")
        // Nothing was produced.
        #expect(try KafkaAdmin.watermarks(of: topic, brokers: broker.brokers)[0]?.high == 0)
    }

    @Test func anInvalidSinkValueStopsTheRunNamingTheKey() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("config", partitions: 1)
        let flow = Dataflow("test")
        flow.input("in", TestingSource([KafkaSinkMessage(key: "k", value: "v")]))
            .output("out", KafkaSink(brokers: broker.brokers, topic: topic, config: ["compression.type": "zip"]))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        guard case .invalidConfiguration(let key, let value, _) = cause else {
            Issue.record("expected invalidConfiguration, got \(cause)")
            return
        }
        #expect(key == "compression.type" && value == "zip")
    }
}
