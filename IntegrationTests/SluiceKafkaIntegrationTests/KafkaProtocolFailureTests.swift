import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// An address that accepts TCP connections but speaks no Kafka is not
/// "unreachable": the error names the broker, the protocol step that failed
/// and the librdkafka version (issue 15, item 3: librdkafka 2.0.2 cannot
/// parse some brokers' ApiVersions answers, and users were told the broker
/// was down).
@Suite(.onOwnThread) struct KafkaProtocolFailureTests {
    /// Checks a failure against the garbage listener at `address`.
    private func expectProtocolFailure(_ cause: KafkaError, address: String) {
        guard case let .protocolFailed(broker, step, reason, version) = cause else {
            Issue.record("expected protocolFailed, got \(cause)")
            return
        }
        #expect(broker.hasPrefix(address), "broker \(broker)")
        #expect(step.contains("ApiVersions"), "step \(step)")
        #expect(!reason.isEmpty)
        #expect(version == KafkaLibrary.version)
        let text = "\(cause)"
        #expect(text.contains(address) && text.contains("librdkafka \(KafkaLibrary.version)"), "\(text)")
        #expect(!text.contains("cannot reach"), "\(text)")
    }

    @Test func aSourceOnAListenerThatSpeaksNoKafkaNamesTheBrokerTheStepAndTheVersion() throws {
        let listener = try GarbageListener()
        defer { listener.stop() }
        let flow = Dataflow("test")
        flow.input("in", KafkaSource(brokers: [listener.address], topics: ["orders"], requestTimeout: .seconds(3)))
            .output("out", TestingSink<KafkaMessage>())
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)
        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.in")
        expectProtocolFailure(cause, address: listener.address)
    }

    @Test func aSinkOnAListenerThatSpeaksNoKafkaNamesTheBrokerTheStepAndTheVersion() throws {
        let listener = try GarbageListener()
        defer { listener.stop() }
        let flow = Dataflow("test")
        flow.input("in", TestingSource([KafkaSinkMessage(key: "k", value: "v")]))
            .output("out", KafkaSink(brokers: [listener.address], topic: "orders", requestTimeout: .seconds(3)))
        let (error, _) = try ErrorPath.expectFailure(flow, workers: 1)
        guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
        #expect(step == "test.out")
        expectProtocolFailure(cause, address: listener.address)
    }
}
