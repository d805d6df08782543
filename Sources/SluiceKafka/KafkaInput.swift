import SluiceCore

/// The two streams of `Dataflow.kafkaInput(_:_:)`.
public struct KafkaInput {
    /// The messages read.
    public let messages: DataStream<KafkaMessage>
    /// The errors Kafka reported while reading, each naming topic,
    /// partition and offset (`KafkaDeadLetter.message` is nil: no message
    /// was read).
    public let errors: DataStream<KafkaDeadLetter>
}

/// One thing read from Kafka: a message or an error.
enum KafkaEvent: Sendable {
    case message(KafkaMessage)
    case error(KafkaError)
}

/// `KafkaSource` with errors emitted as items instead of thrown.
struct KafkaRoutingSource: PartitionedSource {
    let source: KafkaSource

    func listPartitions() throws -> [PartitionKey] { try source.listPartitions() }

    func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> Partition {
        let inner = try source.buildPartition(key, resumeState: resumeState)
        inner.routesErrors = true
        return Partition(inner: inner)
    }

    final class Partition: SourcePartition, MeasuredPartition {
        let inner: KafkaSourcePartition
        var readProgress: ReadProgress { inner.readProgress }
        init(inner: KafkaSourcePartition) { self.inner = inner }

        func nextBatch() throws -> [KafkaEvent]? {
            let messages = try inner.nextBatch()
            let errors = inner.takeErrors().map(KafkaEvent.error)
            guard let messages else { return errors.isEmpty ? nil : errors }
            return errors + messages.map(KafkaEvent.message)
        }

        func snapshot() -> Int64 { inner.snapshot() }
        func close() throws { try inner.close() }
    }
}

extension Dataflow {
    /// Reads Kafka like `input(_:_:)`, but sends the errors Kafka reports
    /// while consuming to their own stream (dead-letter pattern) instead of
    /// stopping the run. Configuration errors, an unreachable cluster and
    /// missing topics still stop it at start.
    ///
    /// ```swift
    /// let kafka = flow.kafkaInput("in", KafkaSource(brokers: brokers, topics: ["orders"]))
    /// kafka.errors.map("describe") { "\($0)" }.output("errors", StdOutSink())
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - source: The Kafka source.
    /// - Returns: The messages and the errors.
    public func kafkaInput(_ name: String, _ source: KafkaSource) -> KafkaInput {
        let events = input(name, KafkaRoutingSource(source: source))
        return KafkaInput(
            messages: events.compactMap("\(name)_messages") { if case .message(let m) = $0 { return m } else { return nil } },
            errors: events.compactMap("\(name)_errors") {
                if case .error(let e) = $0 { return KafkaDeadLetter(consumeError: e) } else { return nil }
            })
    }
}
