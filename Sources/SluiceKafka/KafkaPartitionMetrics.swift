import CoreMetrics
import SluiceEngine
internal import CRdKafka

/// The gauges of one Kafka partition being read: the next offset to read
/// (`sluice_kafka_partition_position`), the partition's high watermark as
/// librdkafka last saw it in a fetch response (cached: no broker round trip),
/// and the lag between them, in messages; plus the topic's fetch errors.
/// Recorded once per batch, and nothing at all without a metrics backend.
///
/// ```swift
/// let metrics = KafkaPartitionMetrics(topic: "lines", partition: 0, initialHigh: 1000)
/// metrics.update(client: consumer.client, position: 500)   // lag 500
/// ```
final class KafkaPartitionMetrics {
    private let topic: String
    private let partition: Int32
    private let position: Gauge
    private let high: Gauge
    private let lag: Gauge
    private let fetchErrors: Counter
    let isRecording: Bool
    /// The high watermark last known (from the start-up query, then the cache).
    private var lastHigh: Int64

    init(topic: String, partition: Int32, initialHigh: Int64) {
        self.topic = topic
        self.partition = partition
        let labels = [("topic", topic), ("partition", String(partition))]
        position = Gauge(label: SluiceMetrics.Name.kafkaPosition, dimensions: labels)
        high = Gauge(label: SluiceMetrics.Name.kafkaHighWatermark, dimensions: labels)
        lag = Gauge(label: SluiceMetrics.Name.kafkaLag, dimensions: labels)
        fetchErrors = Counter(label: SluiceMetrics.Name.kafkaFetchErrors, dimensions: [("topic", topic)])
        isRecording = SluiceMetrics.isRecording
        lastHigh = initialHigh
    }

    /// Records the position after a batch, with the high watermark librdkafka cached.
    func update(client: RDKafkaClient, position next: Int64) {
        guard isRecording else { return }
        var low: Int64 = -1
        var cachedHigh: Int64 = -1
        if rd_kafka_get_watermark_offsets(client.handle, topic, partition, &low, &cachedHigh) == RD_KAFKA_RESP_ERR_NO_ERROR,
            cachedHigh >= 0
        {
            lastHigh = cachedHigh
        }
        record(position: next)
    }

    /// Records the position of a partition whose read has ended.
    func ended(position next: Int64) {
        guard isRecording else { return }
        record(position: next)
    }

    /// Counts an error Kafka reported while fetching.
    func fetchFailed() {
        guard isRecording else { return }
        fetchErrors.increment()
    }

    private func record(position next: Int64) {
        position.record(next)
        high.record(lastHigh)
        lag.record(max(0, lastHigh - next))
    }
}
