import Foundation
import Sluice
@testable import SluiceKafka
import Testing

/// Brokers that nothing listens on: configuration errors must be found
/// before any connection is tried, so these tests never wait for a network.
let nowhere = ["127.0.0.1:1"]

/// The `invalidConfiguration` parts of `error`, or nil (after recording an issue).
func invalidConfiguration(
    _ error: KafkaError, sourceLocation: SourceLocation = #_sourceLocation
) -> (key: String, value: String, reason: String)? {
    guard case let .invalidConfiguration(key, value, reason) = error else {
        Issue.record("expected invalidConfiguration, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    return (key, value, reason)
}

/// Raw librdkafka settings passed through `config:`: a bad one is refused
/// with `KafkaError.invalidConfiguration` naming the key and value.
@Suite struct KafkaConfigTests {
    @Test func sourceRefusesAnUnknownKey() throws {
        let source = KafkaSource(brokers: nowhere, topics: ["t"], config: ["no.such.setting": "1"])
        let error = try #require(throws: KafkaError.self) { try source.listPartitions() }
        let bad = try #require(invalidConfiguration(error))
        #expect(bad.key == "no.such.setting")
        #expect(bad.value == "1")
        #expect(bad.reason.contains("unknown configuration key"), "\(bad.reason)")
        #expect(error.description.contains("'no.such.setting'"), "\(error)")
    }

    @Test(arguments: [
        ("fetch.wait.max.ms", "soon"),  // not a number
        ("queued.min.messages", "0"),  // out of range
        ("check.crcs", "perhaps"),  // not a boolean
        ("security.protocol", "carrier-pigeon"),  // not one of the choices
    ])
    func sourceRefusesAnInvalidValue(key: String, value: String) throws {
        let source = KafkaSource(brokers: nowhere, topics: ["t"], config: [key: value])
        let error = try #require(throws: KafkaError.self) { try source.listPartitions() }
        let bad = try #require(invalidConfiguration(error))
        #expect(bad.key == key)
        #expect(bad.value == value)
        #expect(!bad.reason.isEmpty)
        #expect(error.description.contains("'\(key)' = '\(value)'"), "\(error)")
    }

    @Test func sourceNamesTheFirstBadKeyInKeyOrder() throws {
        let source = KafkaSource(
            brokers: nowhere, topics: ["t"], config: ["zz.unknown": "1", "aa.unknown": "2", "fetch.wait.max.ms": "10"])
        let error = try #require(throws: KafkaError.self) { try source.listPartitions() }
        #expect(invalidConfiguration(error)?.key == "aa.unknown")
    }

    @Test func sourceRefusesABadKeyWhenBuildingAPartitionToo() throws {
        let source = KafkaSource(brokers: nowhere, topics: ["t"], config: ["no.such.setting": "1"])
        let error = try #require(throws: KafkaError.self) { _ = try source.buildPartition("0-t", resumeState: nil) }
        #expect(invalidConfiguration(error)?.key == "no.such.setting")
    }

    @Test func sinkRefusesAnUnknownKey() throws {
        let sink = KafkaSink(brokers: nowhere, topic: "t", config: ["no.such.setting": "1"])
        let error = try #require(throws: KafkaError.self) {
            _ = try sink.buildPartition(worker: WorkerIndex(0), workerCount: 1)
        }
        let bad = try #require(invalidConfiguration(error))
        #expect(bad.key == "no.such.setting")
        #expect(bad.reason.contains("unknown configuration key"), "\(bad.reason)")
        #expect(error.description.contains("'no.such.setting'"), "\(error)")
    }

    @Test(arguments: [
        ("linger.ms", "later"),  // not a number
        ("compression.type", "zip"),  // not one of the choices
        ("batch.num.messages", "0"),  // out of range
        ("enable.idempotence", "sometimes"),  // not a boolean
    ])
    func sinkRefusesAnInvalidValue(key: String, value: String) throws {
        let sink = KafkaSink(brokers: nowhere, topic: "t", config: [key: value])
        let error = try #require(throws: KafkaError.self) {
            _ = try sink.buildPartition(worker: WorkerIndex(0), workerCount: 1)
        }
        let bad = try #require(invalidConfiguration(error))
        #expect(bad.key == key)
        #expect(bad.value == value)
        #expect(error.description.contains("'\(key)' = '\(value)'"), "\(error)")
    }

    @Test func sinkRefusesSettingsThatContradictItsDefaults() throws {
        // Each value is valid alone; librdkafka refuses the combination with
        // idempotence (Sluice's default) when the producer is created.
        let sink = KafkaSink(brokers: nowhere, topic: "t", config: ["acks": "0"])
        let error = try #require(throws: KafkaError.self) {
            _ = try sink.buildPartition(worker: WorkerIndex(0), workerCount: 1)
        }
        #expect(invalidConfiguration(error) != nil)
        #expect(error.description.contains("acks"), "\(error)")
        #expect(error.description.contains("idempotence"), "\(error)")
        #expect(!error.description.contains("''"), "no empty key in the message: \(error)")
    }

    @Test func validSettingsAreAccepted() throws {
        // Creating the producer does not connect (only the sink's start-up
        // reachability check does), so this needs no broker.
        let sink = KafkaSink(brokers: nowhere, topic: "t", config: ["linger.ms": "0", "acks": "all"])
        _ = try KafkaSinkPartition(settings: sink.settings, defaultTopic: "t", flushTimeout: .seconds(1))
    }
}
