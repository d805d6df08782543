import Sluice
import SluiceKafka
import SluiceTesting

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
        let produce = Dataflow("produce")
        produce.input("messages", TestingSource(messages, batchSize: 50))
            .output(topic, KafkaSink(brokers: brokers, topic: topic))
        try run(produce, workers: 1)
    }

    /// Every message of `topics`, read to their ends.
    static func readAll(_ topics: [String], on kafka: EmbeddedKafka) throws -> [KafkaMessage] {
        let read = Dataflow("read")
        let sink = TestingSink<KafkaMessage>()
        read.input("out", KafkaSource(brokers: [kafka.bootstrapServers], topics: topics, tail: false)).output("sink", sink)
        try run(read, workers: 1)
        return sink.items
    }
}
