import Foundation
import Sluice
@testable import SluiceKafka
import Testing

/// What `KafkaSource` hands librdkafka, and its partition keys
/// (`"<partition>-<topic>"`, as Bytewax names them).
@Suite struct KafkaSourceSettingsTests {
    @Test func defaultsAndBrokersArePresent() {
        let source = KafkaSource(brokers: ["a:9092", "b:9093"], topics: ["t"])
        let settings = source.settings
        #expect(settings["bootstrap.servers"] == "a:9092,b:9093")
        for (key, value) in KafkaSource.defaultConsumerSettings {
            #expect(settings[key] == value, "default '\(key)'")
        }
        #expect(settings["enable.partition.eof"] == "true")
        #expect(settings.count == KafkaSource.defaultConsumerSettings.count + 1)
    }

    /// A finite read ends on trailing transaction markers only through the
    /// end-of-partition events, so a user's `false` cannot turn them off.
    @Test func partitionEndEventsStayOn() {
        let source = KafkaSource(brokers: ["a:9092"], topics: ["t"], config: ["enable.partition.eof": "false"])
        #expect(source.settings["enable.partition.eof"] == "true")
    }

    @Test func userConfigWinsOverDefaults() {
        let source = KafkaSource(
            brokers: ["a:9092"], topics: ["t"],
            config: ["queued.min.messages": "10", "client.id": "mine", "security.protocol": "ssl"])
        let settings = source.settings
        #expect(settings["queued.min.messages"] == "10")
        #expect(settings["client.id"] == "mine")
        #expect(settings["security.protocol"] == "ssl")
        #expect(settings["fetch.wait.max.ms"] == KafkaSource.defaultConsumerSettings["fetch.wait.max.ms"])
    }

    @Test func userConfigWinsOverBrokers() {
        let source = KafkaSource(brokers: ["a:9092"], topics: ["t"], config: ["bootstrap.servers": "c:9094"])
        #expect(source.settings["bootstrap.servers"] == "c:9094")
    }

    @Test func initializerDefaultsAndLimits() {
        let source = KafkaSource(brokers: ["a:9092"], topics: ["t"])
        #expect(source.batchSize == 1000)
        #expect(source.startOffset == .beginning)
        #expect(source.tail)
        #expect(source.config.isEmpty)
        #expect(source.requestTimeout == .seconds(10))
        #expect(KafkaSource(brokers: [], topics: [], batchSize: 0).batchSize == 1)
        #expect(KafkaSource(brokers: [], topics: [], batchSize: -5).batchSize == 1)
    }

    @Test(arguments: [
        ("orders", Int32(0)), ("orders", 17), ("my-topic", 3), ("a-b-c-d", 12), ("-leading", 1), ("trailing-", 2),
        ("--", 4), ("7-looks-like-a-key", 5), ("dots.and_underscores", 2_147_483_647),
    ])
    func partitionKeyParsesBack(topic: String, partition: Int32) throws {
        let key = KafkaSource.key(topic: topic, partition: partition)
        #expect(key.rawValue == "\(partition)-\(topic)")
        let (parsedTopic, parsedPartition) = try KafkaSource.parse(key)
        #expect(parsedTopic == topic)
        #expect(parsedPartition == partition)
    }

    @Test(arguments: ["orders", "", "x-orders", "-orders", "1.5-orders", "99999999999-orders"])
    func malformedPartitionKeysAreRefusedNamingTheKey(raw: String) throws {
        let error = try #require(throws: KafkaError.self) { try KafkaSource.parse(PartitionKey(raw)) }
        #expect(error.description.contains("malformed key '\(raw)'"), "\(error)")
    }

    @Test func keysOfDifferentPartitionsAndTopicsDiffer() {
        let keys = [
            KafkaSource.key(topic: "a-1", partition: 2), KafkaSource.key(topic: "a", partition: 12),
            KafkaSource.key(topic: "1-a", partition: 2), KafkaSource.key(topic: "a-1", partition: 21),
        ]
        #expect(Set(keys).count == keys.count)
    }
}

/// What `KafkaSink` hands librdkafka.
@Suite struct KafkaSinkSettingsTests {
    @Test func defaultsAndBrokersArePresent() {
        let sink = KafkaSink(brokers: ["a:9092", "b:9093"], topic: "out")
        let settings = sink.settings
        #expect(settings["bootstrap.servers"] == "a:9092,b:9093")
        for (key, value) in KafkaSink.defaultProducerSettings {
            #expect(settings[key] == value, "default '\(key)'")
        }
        #expect(settings["enable.idempotence"] == "true")
        #expect(settings.count == KafkaSink.defaultProducerSettings.count + 1)
        #expect(sink.flushTimeout == .seconds(60))
    }

    @Test func userConfigWinsOverDefaults() {
        let sink = KafkaSink(
            brokers: ["a:9092"], topic: "out", config: ["linger.ms": "0", "compression.type": "none", "acks": "all"])
        let settings = sink.settings
        #expect(settings["linger.ms"] == "0")
        #expect(settings["compression.type"] == "none")
        #expect(settings["acks"] == "all")
        #expect(settings["enable.idempotence"] == "true")
    }
}
