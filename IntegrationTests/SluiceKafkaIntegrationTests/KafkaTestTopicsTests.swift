import Foundation
import SluiceKafka
import SluiceKafkaTesting
import SluiceTestSupport
import Testing

/// `SluiceKafkaTesting`'s public helpers: produce, read all, wait for a count,
/// and their errors for a missing topic and a count never reached.
@Suite struct KafkaTestTopicsTests {
    @Test func producedMessagesAreReadBackInOffsetOrderPerPartition() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("helpers", partitions: 3)
        let topics = KafkaTestTopics(brokers: broker.brokers)
        let sent = (0..<30).map {
            KafkaSinkMessage(
                key: "k\($0 % 5)", value: "v\($0)", headers: [KafkaHeader(key: "n", value: Array("\($0)".utf8))])
        }
        try topics.produce(sent, to: topic)
        #expect(try topics.waitUntil(topic, holds: 30) == 30)
        let read = try topics.readAll(topic)
        #expect(read.count == 30)
        #expect(Set(read.map { String(decoding: $0.value, as: UTF8.self) }) == Set(sent.map { String(decoding: $0.value, as: UTF8.self) }))
        for partition in Set(read.map(\.partition)) {
            let offsets = read.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) in offset order")
        }
        #expect(read.allSatisfy { $0.headers.count == 1 && $0.timestamp != nil })
        try topics.produce(values: ["one more"], to: topic)
        #expect(try topics.readAll([topic, topic]).count == 62)
    }

    @Test func aMissingTopicIsAnErrorNamingIt() throws {
        let broker = try TestBroker()
        let topics = KafkaTestTopics(brokers: broker.brokers)
        #expect(throws: KafkaError.self) { try topics.produce(values: ["x"], to: "no-such-topic-\(UUID())") }
        do {
            _ = try topics.readAll("no-such-topic")
            Issue.record("reading a missing topic succeeded")
        } catch let error as KafkaError {
            #expect("\(error)".contains("'no-such-topic' does not exist"), "\(error)")
        }
    }

    @Test func waitingForMoreThanATopicHoldsEndsWithTheCount() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("short", partitions: 1)
        let topics = KafkaTestTopics(brokers: broker.brokers)
        try topics.produce(values: ["a", "b"], to: topic)
        do {
            try topics.waitUntil(topic, holds: 3, timeout: .milliseconds(300))
            Issue.record("the wait succeeded with 2 of 3 messages")
        } catch let error as KafkaTestTopicsError {
            #expect("\(error)".contains("held 2 messages"), "\(error)")
            #expect("\(error)".contains("expected at least 3"), "\(error)")
        }
    }
}
