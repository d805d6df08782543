import Sluice
import SluiceKafka
import SluiceKafkaTesting

/// What the Kafka examples' tests do on the embedded broker: create the
/// topics, produce input, read back what the example wrote.
enum ExampleKafka {
    /// Creates `topics` with 2 partitions each; returns the brokers.
    static func createTopics(_ topics: [String], on kafka: EmbeddedKafka) throws -> [String] {
        for topic in topics { try kafka.createTopic(topic, partitions: 2) }
        return [kafka.bootstrapServers]
    }

    /// Appends `messages` to `topic`.
    static func produce(_ messages: [KafkaSinkMessage], to topic: String, brokers: [String]) throws {
        try KafkaTestTopics(brokers: brokers).produce(messages, to: topic)
    }

    /// Every message of `topics`, read to their ends.
    static func readAll(_ topics: [String], on kafka: EmbeddedKafka) throws -> [KafkaMessage] {
        try KafkaTestTopics(brokers: [kafka.bootstrapServers]).readAll(topics)
    }
}
