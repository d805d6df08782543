import CoreMetrics
import Foundation

/// What Sluice records through swift-metrics, and whether anything is.
///
/// Sluice never bootstraps a metrics backend: the application does, with
/// `MetricsSystem.bootstrap(_:)`, before it builds its dataflow. Without one,
/// swift-metrics hands out no-op handles and Sluice skips its measurements
/// (no clock reads), so metrics cost nothing. Handles are resolved once, when
/// a worker builds its steps, so a backend bootstrapped after a run started
/// is seen by the next run.
///
/// ```swift
/// MetricsSystem.bootstrap(myPrometheusFactory)
/// try flow.run()   // records sluice_step_items_in_total and the others
/// ```
package enum SluiceMetrics {
    /// True when a backend other than swift-metrics' no-op one is bootstrapped.
    /// It takes swift-metrics' lock: call it when building, never per item.
    package static var isRecording: Bool { !(MetricsSystem.factory is NOOPMetricsHandler) }

    /// The `worker` label's value of a worker.
    package static func label(_ worker: WorkerIndex) -> (String, String) { ("worker", String(worker.rawValue)) }

    /// The `step` label's value of a step.
    package static func label(_ step: StepID) -> (String, String) { ("step", step.rawValue) }

    /// The metric names (Prometheus style); the README's Monitoring section lists them.
    package enum Name {
        package static let stepItemsIn = "sluice_step_items_in_total"
        package static let stepItemsOut = "sluice_step_items_out_total"
        package static let stepBatches = "sluice_step_batches_total"
        package static let stepUserCodeSeconds = "sluice_step_user_code_seconds_total"
        package static let workerInboxDepth = "sluice_worker_inbox_depth"
        package static let workerThrottles = "sluice_worker_backpressure_throttles_total"
        package static let epochCloseSeconds = "sluice_epoch_close_seconds"
        package static let snapshotWriteSeconds = "sluice_snapshot_write_seconds"
        package static let snapshotWriteBytes = "sluice_snapshot_write_bytes"
        package static let commitSeconds = "sluice_commit_seconds"
        package static let epochCommitted = "sluice_epoch_committed"
        package static let epochCurrent = "sluice_epoch_current"
        package static let kafkaPosition = "sluice_kafka_partition_position"
        package static let kafkaHighWatermark = "sluice_kafka_partition_high_watermark"
        package static let kafkaLag = "sluice_kafka_partition_lag"
        package static let kafkaFetchErrors = "sluice_kafka_fetch_errors_total"
        package static let kafkaQueuedMessages = "sluice_kafka_producer_queued_messages"
        package static let kafkaDeliveryErrors = "sluice_kafka_delivery_errors_total"
        package static let kafkaTransactionsCommitted = "sluice_kafka_transactions_committed_total"
        package static let kafkaTransactionsAborted = "sluice_kafka_transactions_aborted_total"
        package static let kafkaMessagesProduced = "sluice_kafka_messages_produced_total"
        package static let clusterBytesSent = "sluice_cluster_bytes_sent_total"
        package static let clusterBytesReceived = "sluice_cluster_bytes_received_total"
        package static let clusterHeartbeatRTT = "sluice_cluster_heartbeat_rtt_seconds"
        package static let ready = "sluice_ready"
        package static let running = "sluice_running"
    }
}

/// A cheap monotonic clock in nanoseconds (`CLOCK_MONOTONIC`), for timing
/// batches and epochs.
package enum MonotonicNanos {
    /// Nanoseconds since an arbitrary fixed point; never goes back.
    @inline(__always)
    package static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
