import Foundation
internal import CRdKafka
import Synchronization

/// One consumer handle shared by all the partitions a worker thread reads
/// from one source (librdkafka's per-partition consume API), so a worker with
/// 32 partitions runs one client, not 32.
final class SharedConsumer {
    let client: RDKafkaClient
    private var topicHandles: [String: OpaquePointer] = [:]

    init(client: RDKafkaClient) { self.client = client }

    deinit {
        for handle in topicHandles.values { rd_kafka_topic_destroy(handle) }
    }

    /// The topic handle for `topic`, created once.
    func topicHandle(_ topic: String) throws -> OpaquePointer {
        if let handle = topicHandles[topic] { return handle }
        guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
            throw KafkaError.requestFailed(
                operation: "topic handle", topic: topic, partition: nil, reason: errorText(rd_kafka_last_error()))
        }
        topicHandles[topic] = handle
        return handle
    }
}

/// Hands each worker thread its own `SharedConsumer`, counting the partitions
/// that use it and releasing it with the last one.
final class KafkaConsumerPool: Sendable {
    private struct Entry {
        let consumer: SharedConsumer
        var users: Int
    }

    // The entries are only touched under the lock; a consumer is used only by
    // the thread it was made for.
    private let entries = Mutex<[UInt: UncheckedEntry]>([:])

    private struct UncheckedEntry: @unchecked Sendable {
        var entry: Entry
    }

    /// The calling thread's consumer, made with `settings` on first use.
    func acquire(settings: [String: String]) throws -> SharedConsumer {
        let thread = UInt(bitPattern: Int(bitPattern: pthread_self()))
        return try entries.withLock { entries in
            if var existing = entries[thread] {
                existing.entry.users += 1
                entries[thread] = existing
                return existing.entry.consumer
            }
            let consumer = SharedConsumer(client: try RDKafkaClient(kind: .consumer, settings: settings))
            entries[thread] = UncheckedEntry(entry: Entry(consumer: consumer, users: 1))
            return consumer
        }
    }

    /// Gives the calling thread's consumer back; the last user frees it.
    func release() {
        let thread = UInt(bitPattern: Int(bitPattern: pthread_self()))
        entries.withLock { entries in
            guard var existing = entries[thread] else { return }
            existing.entry.users -= 1
            entries[thread] = existing.entry.users > 0 ? existing : nil
        }
    }
}
