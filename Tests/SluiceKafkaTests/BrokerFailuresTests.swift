import Testing

@testable import SluiceKafka

/// Telling "no broker answered" from "a broker answered, but the Kafka
/// protocol failed" by librdkafka's `FAIL` log lines (the same shape in
/// librdkafka 2.0.2 and 2.16).
@Suite struct BrokerFailuresTests {
    @Test func anAnswerThatIsNotKafkaIsAProtocolFailureDuringVersionNegotiation() throws {
        let line = "[thrd:127.0.0.1:36783/bootstrap]: 127.0.0.1:36783/bootstrap: Receive failed: Invalid response size 1213486160 (0..100000000): "
            + "increase receive.message.max.bytes (after 84ms in state APIVERSION_QUERY)"
        let failure = try #require(BrokerFailures.parse(line))
        #expect(failure.broker == "127.0.0.1:36783/bootstrap")
        #expect(failure.state == "APIVERSION_QUERY")
        #expect(failure.step == "version negotiation (ApiVersions)")
        #expect(failure.isProtocolFailure)
    }

    @Test func aRefusedOrLostConnectionIsNoProtocolFailure() throws {
        let refused = "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)"
        let closed = "127.0.0.1:9092/1: Disconnected while requesting ApiVersion: might be caused by incorrect "
            + "security.protocol configuration (connecting to a SSL listener?) or broker version is < 0.10 "
            + "(see api.version.request) (after 2ms in state APIVERSION_QUERY, 1 identical error(s) suppressed)"
        #expect(try #require(BrokerFailures.parse(refused)).isProtocolFailure == false)
        let lost = try #require(BrokerFailures.parse(closed))
        #expect(lost.state == "APIVERSION_QUERY")
        #expect(lost.isProtocolFailure == false)
    }

    @Test func linesWithoutAStateAreIgnored() {
        #expect(BrokerFailures.parse("1/1 brokers are down") == nil)
        #expect(BrokerFailures.parse("127.0.0.1:1/bootstrap: something else") == nil)
    }
}
