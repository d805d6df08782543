import Foundation
import SluiceKafka

/// The broker an integration test talks to: the one in
/// `KAFKA_BOOTSTRAP_SERVERS` when set (e.g. Redpanda from docker-compose),
/// otherwise an embedded broker started for the test. Topic names get a
/// unique suffix so tests never share data on a real broker.
final class TestBroker: @unchecked Sendable {
    // @unchecked: immutable after init; EmbeddedKafka is itself thread-safe.
    let brokers: [String]
    let embedded: EmbeddedKafka?
    private let suffix = UUID().uuidString.prefix(8).lowercased()

    /// The external brokers of `KAFKA_BOOTSTRAP_SERVERS`, nil when unset or empty.
    static var externalBrokers: String? {
        ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    init() throws {
        if let external = Self.externalBrokers {
            brokers = external.split(separator: ",").map(String.init)
            embedded = nil
        } else {
            let kafka = try EmbeddedKafka()
            brokers = [kafka.bootstrapServers]
            embedded = kafka
        }
    }

    /// True when the tests run against a real broker.
    var isExternal: Bool { embedded == nil }

    /// Creates a fresh topic and returns its (unique) name.
    func topic(_ base: String, partitions: Int) throws -> String {
        let name = "\(base)-\(suffix)"
        if let embedded {
            try embedded.createTopic(name, partitions: partitions)
        } else {
            try KafkaAdmin.createTopic(name, partitions: partitions, brokers: brokers)
        }
        return name
    }

    /// Fails if the embedded broker dropped data (its retention limit), so no
    /// test passes on truncated input.
    func assertNoDroppedData() throws {
        if let embedded, case let dropped = try embedded.droppedData(), !dropped.isEmpty {
            throw KafkaError.embeddedBroker(reason: "data dropped: \(dropped)")
        }
    }
}
