import CoreMetrics
import SluiceEngine

/// The metrics of one Kafka sink step's producer on one worker (label
/// `step`): messages produced, messages still queued in librdkafka, delivery
/// errors, and (exactly once) transactions committed and aborted. Resolved
/// when the engine labels the partition; nothing is recorded before that or
/// without a metrics backend.
///
/// ```swift
/// let metrics = KafkaProducerMetrics(step: "flow.out")
/// metrics.produced(100, queued: 40)
/// ```
struct KafkaProducerMetrics: Sendable {
    private let queued: Gauge
    private let deliveryErrors: Counter
    private let committed: Counter
    private let aborted: Counter
    private let produced: Counter

    /// Nil without a metrics backend (so the producer records nothing).
    init?(step: StepID) {
        guard SluiceMetrics.isRecording else { return nil }
        let labels = [SluiceMetrics.label(step)]
        queued = Gauge(label: SluiceMetrics.Name.kafkaQueuedMessages, dimensions: labels)
        deliveryErrors = Counter(label: SluiceMetrics.Name.kafkaDeliveryErrors, dimensions: labels)
        committed = Counter(label: SluiceMetrics.Name.kafkaTransactionsCommitted, dimensions: labels)
        aborted = Counter(label: SluiceMetrics.Name.kafkaTransactionsAborted, dimensions: labels)
        produced = Counter(label: SluiceMetrics.Name.kafkaMessagesProduced, dimensions: labels)
    }

    /// Counts `count` messages handed to the producer; `queued` still wait in it.
    func produced(_ count: Int, queued waiting: Int32) {
        if count > 0 { produced.increment(by: count) }
        queued.record(Int64(waiting))
    }

    /// Records the messages still waiting in the producer.
    func queued(_ waiting: Int32) { queued.record(Int64(waiting)) }

    /// Counts a failed delivery report.
    func deliveryFailed() { deliveryErrors.increment() }

    /// Counts a committed transaction.
    func transactionCommitted() { committed.increment() }

    /// Counts an aborted transaction.
    func transactionAborted() { aborted.increment() }
}
