import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// A flush that gives up stops the run within one flush timeout: the sink's
/// close, called while the run stops, does not wait for the same undelivered
/// messages a second time (issue 15, item 2).
@Suite(.onOwnThread) struct KafkaFlushTimeoutTests {
    @Test(.enabled(
        if: !TestBroker.usesExternalBroker,
        "a real broker cannot be made to reject every produce request (needs the embedded broker's fault injection)"))
    func aFlushThatGivesUpStopsTheRunWithinOneFlushTimeout() throws {
        let broker = try TestBroker()
        let embedded = try #require(broker.embedded)
        let input = try broker.topic("flush-in", partitions: 1)
        let output = try broker.topic("flush-out", partitions: 1)
        try produceText("line", 0..<20, to: input, on: broker)
        // Every produce request fails with a retriable error and messages may
        // wait 10 minutes: only the sink's flush timeout ends the wait.
        embedded.failNextRequests(apiKey: 0, count: 10_000)
        let flushTimeout: Duration = .seconds(5)
        let flow = Dataflow("test")
        // A tailing source never ends, so the flush that fails is an epoch's.
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [input], tail: true))
            .map("encode") { KafkaSinkMessage(key: $0.key, value: $0.value) }
            .output("out", KafkaSink(
                brokers: broker.brokers, topic: output, config: ["message.timeout.ms": "600000"], flushTimeout: flushTimeout))
        let (error, elapsed) = try ErrorPath.expectFailure(
            flow, configuration: RunConfiguration(workers: 1, epochInterval: .milliseconds(200)))

        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        guard case let .deliveryFailed(topic, _, reason) = cause else {
            Issue.record("expected deliveryFailed, got \(cause)")
            return
        }
        #expect(topic == output)
        #expect(reason.contains("undelivered after \(flushTimeout)"), "\(reason)")
        // A bound, not a measurement: a second flush would take it past 2×.
        #expect(elapsed < flushTimeout * 2, "the run took \(elapsed) to stop")
    }
}
