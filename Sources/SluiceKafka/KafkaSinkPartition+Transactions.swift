import Foundation
import SluiceCore
internal import CRdKafka

/// An exactly-once partition's transactional state: its stable id, where its
/// markers go, and the messages held since the last commit.
final class KafkaTransactionState {
    /// The transactional id (stable per flow, step and worker).
    let id: String
    let markers: TransactionMarkers
    /// Crash points for tests.
    let faults: KafkaTransactionFaults?
    /// Messages written since the last prepare.
    var pending: [KafkaSinkMessage] = []
    /// Prepared, not yet committed, by epoch.
    var prepared: [PreparedTransaction.Segment] = []
    /// The marker topic partition of this id, looked up at the first commit
    /// (the topic may still be being created while partitions are built).
    private var markerPartition: Int32?

    /// The marker topic partition of this id (one metadata request, then cached).
    func markerPartitionOfID() throws -> Int32 {
        if let markerPartition { return markerPartition }
        let partition = TransactionMarkers.partition(of: id, partitions: try markers.partitionCount())
        markerPartition = partition
        return partition
    }

    init(id: String, markers: TransactionMarkers, faults: KafkaTransactionFaults? = nil) {
        self.id = id
        self.markers = markers
        self.faults = faults
    }
}

extension KafkaSinkPartition {
    /// Registers the transactional id with the broker: fences any earlier
    /// producer with this id and aborts its open transaction.
    func initTransactions() throws {
        try transactionCall(epoch: nil, "initialize transactions") {
            rd_kafka_init_transactions(client.handle, RDKafkaClient.milliseconds(flushTimeout))
        }
    }

    /// Exactly once: keeps the messages (topic resolved) until their commit.
    func hold(_ batch: [KafkaSinkMessage]) throws {
        guard let transaction else { return }
        for var message in batch {
            guard let topic = message.topic ?? defaultTopic else {
                throw KafkaError.produceFailed(
                    topic: "?", partition: message.partition,
                    reason: "the message names no topic and the sink has no default topic")
            }
            message.topic = topic
            transaction.pending.append(message)
        }
    }

    public func prepare(_ epoch: Epoch) throws -> [UInt8]? {
        guard let transaction else { return nil }
        if !transaction.pending.isEmpty {
            transaction.prepared.append(.init(epoch: epoch.rawValue, messages: transaction.pending))
            transaction.pending = []
        }
        guard !transaction.prepared.isEmpty else { return nil }
        return PreparedTransaction(transactionalID: transaction.id, segments: transaction.prepared).encoded()
    }

    public func commit(_ epoch: Epoch) throws {
        guard let transaction else { return }
        let due = transaction.prepared.filter { $0.epoch <= epoch.rawValue }
        guard let last = due.last else { return }
        try commitTransaction(due.flatMap(\.messages), through: last.epoch)
        transaction.prepared.removeAll { $0.epoch <= last.epoch }
    }

    /// Produces `messages` and the marker of `epoch` in one Kafka transaction.
    func commitTransaction(_ messages: [KafkaSinkMessage], through epoch: UInt64) throws {
        guard let transaction else { return }
        let chosen = try transaction.faults?.startCommit() ?? false
        try transactionCall(epoch: epoch, "begin") { rd_kafka_begin_transaction(client.handle) }
        do {
            for message in messages { try produce(message) }
            try produce(KafkaSinkMessage(
                topic: transaction.markers.topic, key: transaction.id, value: String(epoch),
                partition: try transaction.markerPartitionOfID()))
            if let failure = reports.take() { throw failure }
            try transaction.faults?.check(.beforeCommit, chosen: chosen)
            try transactionCall(epoch: epoch, "commit") {
                rd_kafka_commit_transaction(client.handle, RDKafkaClient.milliseconds(flushTimeout))
            }
            if let failure = reports.take() { throw failure }
            metrics?.transactionCommitted()
            metrics?.produced(messages.count, queued: 0)
            try transaction.faults?.check(.afterCommit, chosen: chosen)
        } catch let crash as KafkaTransactionFaults.Crash {
            throw crash  // a "dead" process sends nothing more: no abort
        } catch {
            // Leave nothing half-done on the broker; the caller's run stops and recovery retries.
            if let abortError = rd_kafka_abort_transaction(client.handle, RDKafkaClient.milliseconds(flushTimeout)) {
                rd_kafka_error_destroy(abortError)
            } else {
                metrics?.transactionAborted()
            }
            throw error
        }
    }

    /// Runs a librdkafka transactional call and turns its error into a `KafkaError`.
    private func transactionCall(epoch: UInt64?, _ operation: String, _ call: () -> OpaquePointer?) throws {
        guard let error = call() else { return }
        defer { rd_kafka_error_destroy(error) }
        let id = transaction?.id ?? "?"
        var reason = "\(operation): \(String(cString: rd_kafka_error_string(error)))"
        if rd_kafka_error_is_fatal(error) != 0 { reason += " (fatal: another producer with this id may have fenced this one)" }
        throw KafkaError.transactionFailed(transactionalID: id, epoch: epoch, reason: reason)
    }
}
