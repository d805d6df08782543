import SluiceKafka
import Testing

/// `KafkaError` messages name what the user needs to find the problem, and
/// nothing that is not known.
@Suite struct KafkaErrorDescriptionTests {
    @Test func deliveryFailureNamesTopicPartitionAndReason() {
        let error = KafkaError.deliveryFailed(topic: "orders", partition: 3, reason: "Broker: Not leader")
        #expect(error.description == "delivery to Kafka topic 'orders' partition 3 failed: Broker: Not leader")
    }

    @Test func deliveryFailureWithoutAnAssignedPartitionDoesNotInventOne() {
        // librdkafka reports -1 (RD_KAFKA_PARTITION_UA) for a message it has not partitioned yet.
        let error = KafkaError.deliveryFailed(topic: "orders", partition: -1, reason: "Local: Message timed out")
        #expect(error.description == "delivery to Kafka topic 'orders' failed: Local: Message timed out")
    }

    @Test func configurationErrorWithoutAKeyShowsOnlyTheReason() {
        let error = KafkaError.invalidConfiguration(key: "", value: "", reason: "`acks` must be set to `all`")
        #expect(error.description == "invalid Kafka configuration: `acks` must be set to `all`")
        let keyed = KafkaError.invalidConfiguration(key: "linger.ms", value: "x", reason: "Invalid value")
        #expect(keyed.description == "invalid Kafka configuration 'linger.ms' = 'x': Invalid value")
    }

    @Test func otherErrorsNameWhereTheyHappened() {
        #expect(
            KafkaError.consumeFailed(topic: "t", partition: 2, offset: 7, reason: "r").description
                == "consuming Kafka topic 't' partition 2 at offset 7 failed: r")
        #expect(
            KafkaError.consumeFailed(topic: "t", partition: 2, offset: nil, reason: "r").description
                == "consuming Kafka topic 't' partition 2 failed: r")
        #expect(
            KafkaError.produceFailed(topic: "t", partition: nil, reason: "r").description
                == "producing to Kafka topic 't' failed: r")
        #expect(
            KafkaError.topicNotFound(topic: "t", brokers: "b:1").description == "Kafka topic 't' does not exist on b:1")
        #expect(
            KafkaError.requestFailed(operation: "metadata", topic: "t", partition: 1, reason: "r").description
                == "Kafka metadata for topic 't' partition 1 failed: r")
    }
}
