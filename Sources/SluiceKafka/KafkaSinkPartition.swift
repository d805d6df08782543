import Foundation
import SluiceCore
internal import CRdKafka
import Synchronization

/// Collects failed delivery reports (called on the producer's poll thread,
/// which is the worker thread: polls happen in `write` and `flush`).
final class DeliveryReports: Sendable {
    private let firstFailure = Mutex<KafkaError?>(nil)
    /// Where failures are counted, once the step is known.
    let metrics = Mutex<KafkaProducerMetrics?>(nil)

    func record(_ error: KafkaError) {
        metrics.withLock { $0?.deliveryFailed() }
        firstFailure.withLock { if $0 == nil { $0 = error } }
    }
    func take() -> KafkaError? {
        firstFailure.withLock { failure in
            let taken = failure
            failure = nil
            return taken
        }
    }
}

/// The delivery-report callback: records failures in the `DeliveryReports`
/// passed as the producer's opaque pointer.
private let deliveryCallback: @convention(c) (
    OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?
) -> Void = { _, message, opaque in
    guard let message, let opaque, message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
    let reports = Unmanaged<DeliveryReports>.fromOpaque(opaque).takeUnretainedValue()
    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
    reports.record(
        .deliveryFailed(
            topic: topic, partition: message.pointee.partition,
            reason: errorText(message.pointee.err) + KafkaDeadLetterNote.text(message)))
}

/// One worker's producer. At least once, it produces as items arrive and
/// flushes at every epoch end; exactly once (`transaction` set), it holds the
/// messages until their snapshot is durable and commits them in one Kafka
/// transaction (see `KafkaSinkPartition+Transactions.swift`).
public final class KafkaSinkPartition: CommittingSinkPartition {
    let reports = DeliveryReports()
    let client: RDKafkaClient
    let defaultTopic: String?
    let flushTimeout: Duration
    private var topicHandles: [String: OpaquePointer] = [:]
    private var lastTopic: (name: String, handle: OpaquePointer)?
    private var closed = false
    /// Set once a delivery failed or a flush gave up: the run is failing, so
    /// `close()` drops what is still queued instead of waiting a second flush
    /// timeout for it (the failure is already reported).
    private var failed = false
    /// The exactly-once state; nil at least once.
    var transaction: KafkaTransactionState?
    /// Set when the engine names the step (and a metrics backend is bootstrapped).
    private(set) var metrics: KafkaProducerMetrics?

    init(settings: [String: String], defaultTopic: String?, flushTimeout: Duration, transaction: KafkaTransactionState? = nil) throws {
        self.defaultTopic = defaultTopic
        self.flushTimeout = flushTimeout
        self.transaction = transaction
        var settings = settings
        if let transaction { settings["transactional.id"] = transaction.id }
        let reports = self.reports
        client = try RDKafkaClient(kind: .producer, settings: settings) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback)
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(reports).toOpaque())
        }
    }

    deinit {
        for handle in topicHandles.values { rd_kafka_topic_destroy(handle) }
    }

    /// Fails fast when no broker answers (instead of at the first flush).
    func checkReachable(timeout: Duration) throws { try client.checkReachable(timeout: timeout) }

    public func write(_ batch: [KafkaSinkMessage]) throws {
        if transaction != nil { return try hold(batch) }
        for message in batch { try produce(message) }
        rd_kafka_poll(client.handle, 0)
        metrics?.produced(batch.count, queued: rd_kafka_outq_len(client.handle))
        if let failure = reports.take() {
            failed = true
            throw failure
        }
    }

    func produce(_ message: KafkaSinkMessage) throws {
        guard let topic = message.topic ?? defaultTopic else {
            throw KafkaError.produceFailed(
                topic: "?", partition: message.partition, reason: "the message names no topic and the sink has no default topic")
        }
        let handle = try topicHandle(topic)
        let partition = message.partition ?? RD_KAFKA_PARTITION_UA
        while true {
            let code: rd_kafka_resp_err_t
            if message.headers.isEmpty && message.timestamp == nil {
                code = produceSimple(message, handle: handle, partition: partition)
            } else {
                code = produceFull(message, handle: handle, partition: partition)
            }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                // The queue stays full while the broker is unreachable: give up
                // at once if the run is stopping for another reason.
                if RunStopping.isRequested {
                    throw KafkaError.produceFailed(
                        topic: topic, partition: message.partition, reason: "the run stopped while the producer queue was full")
                }
                rd_kafka_poll(client.handle, 50)  // serve delivery reports to make room
                if let failure = reports.take() { throw failure }
                continue
            }
            throw KafkaError.produceFailed(
                topic: topic, partition: message.partition, reason: errorText(code) + KafkaDeadLetterNote.text(message.headers))
        }
    }

    private func produceSimple(_ message: KafkaSinkMessage, handle: OpaquePointer, partition: Int32) -> rd_kafka_resp_err_t {
        let result = message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                rd_kafka_produce(
                    handle, partition, RD_KAFKA_MSG_F_COPY, UnsafeMutableRawPointer(mutating: value.baseAddress),
                    value.count, key?.baseAddress, key?.count ?? 0, nil)
            }
        }
        return result == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error()
    }

    private func produceFull(_ message: KafkaSinkMessage, handle: OpaquePointer, partition: Int32) -> rd_kafka_resp_err_t {
        var fields: [rd_kafka_vu_t] = []
        func field(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
            var entry = rd_kafka_vu_t()
            entry.vtype = type
            fill(&entry)
            fields.append(entry)
        }
        // Header names must outlive the call: keep NUL-terminated copies.
        let names = message.headers.map { Array($0.key.utf8CString) }
        return message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                field(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = handle }
                field(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
                field(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                field(RD_KAFKA_VTYPE_VALUE) {
                    $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    $0.u.mem.size = value.count
                }
                if let key {
                    field(RD_KAFKA_VTYPE_KEY) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        $0.u.mem.size = key.count
                    }
                }
                if let timestamp = message.timestamp {
                    field(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = Int64((timestamp.timeIntervalSince1970 * 1000).rounded()) }
                }
                return withHeaderPointers(names, message.headers) { headerFields in
                    let all = fields + headerFields
                    guard let error = all.withUnsafeBufferPointer({ rd_kafka_produceva(client.handle, $0.baseAddress, $0.count) })
                    else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                    defer { rd_kafka_error_destroy(error) }
                    return rd_kafka_error_code(error)
                }
            }
        }
    }

    private func topicHandle(_ topic: String) throws -> OpaquePointer {
        // Consecutive messages almost always share a topic: skip the hashing.
        if let last = lastTopic, last.name == topic { return last.handle }
        if let handle = topicHandles[topic] {
            lastTopic = (topic, handle)
            return handle
        }
        guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
            throw KafkaError.produceFailed(topic: topic, partition: nil, reason: errorText(rd_kafka_last_error()))
        }
        topicHandles[topic] = handle
        lastTopic = (topic, handle)
        return handle
    }

    public func epochEnded(_ epoch: Epoch) throws {
        if transaction == nil { try flush() }
    }

    public func close() throws {
        guard !closed else { return }
        closed = true
        if failed {
            // The run already fails with the first failure: drop the rest at
            // once (the producer's destroy would otherwise wait for it).
            rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            return
        }
        // Exactly once, the last messages are committed after the final snapshot.
        if transaction == nil { try flush() }
    }

    /// Waits for every outstanding delivery and throws the first failure;
    /// after a failure, `close()` does not flush again.
    func flush() throws {
        do {
            try flushOnce()
        } catch {
            failed = true
            throw error
        }
    }

    private func flushOnce() throws {
        // In slices, so a run that stops for another reason (a lost cluster
        // peer) does not wait out the whole timeout here.
        let deadline = ContinuousClock.now + flushTimeout
        var code = RD_KAFKA_RESP_ERR__TIMED_OUT
        while code == RD_KAFKA_RESP_ERR__TIMED_OUT && ContinuousClock.now < deadline {
            if RunStopping.isRequested {
                throw KafkaError.deliveryFailed(
                    topic: defaultTopic ?? "?", partition: -1, reason: "the run stopped while deliveries were outstanding")
            }
            code = rd_kafka_flush(client.handle, RDKafkaClient.milliseconds(min(.milliseconds(200), flushTimeout)))
        }
        metrics?.queued(rd_kafka_outq_len(client.handle))
        if let failure = reports.take() { throw failure }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            let waiting = rd_kafka_outq_len(client.handle)
            throw KafkaError.deliveryFailed(
                topic: defaultTopic ?? "?", partition: -1,
                reason: "\(waiting) messages still undelivered after \(flushTimeout): \(errorText(code))")
        }
    }
}

extension KafkaSinkPartition: StepLabelled {
    package func label(step: StepID, worker: WorkerIndex) {
        metrics = KafkaProducerMetrics(step: step)
        let metrics = self.metrics
        reports.metrics.withLock { $0 = metrics }
    }
}

/// Calls `body` with the bytes of `bytes`, or nil.
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

/// Builds `RD_KAFKA_VTYPE_HEADER` fields whose pointers stay valid during `body`.
private func withHeaderPointers<R>(
    _ names: [[CChar]], _ headers: [KafkaHeader], _ body: ([rd_kafka_vu_t]) -> R
) -> R {
    func build(_ index: Int, _ done: [rd_kafka_vu_t]) -> R {
        if index == headers.count { return body(done) }
        return names[index].withUnsafeBufferPointer { name in
            withOptionalBytes(headers[index].value) { value in
                var entry = rd_kafka_vu_t()
                entry.vtype = RD_KAFKA_VTYPE_HEADER
                entry.u.header.name = name.baseAddress
                entry.u.header.val = value?.baseAddress
                entry.u.header.size = value.map { $0.count } ?? -1
                return build(index + 1, done + [entry])
            }
        }
    }
    return build(0, [])
}
