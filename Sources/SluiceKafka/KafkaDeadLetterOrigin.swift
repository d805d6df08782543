import Foundation

/// Where a message read from a dead-letter topic came from and why it is
/// there, read from the `KafkaDeadLetter.Header` headers; and the message to
/// replay it into its origin topic once fixed.
///
/// ```swift
/// if let origin = message.deadLetterOrigin {
///     let fixed = origin.replay(message, value: repaired(message.value))
///     // produce `fixed` (to origin.topic, the original key and headers)
/// }
/// ```
public struct KafkaDeadLetterOrigin: Sendable, Hashable {
    /// The topic the original message was read from.
    public let topic: String
    /// Its partition.
    public let partition: Int32
    /// Its offset, if it had one.
    public let offset: Int64?
    /// Its timestamp, if it had one.
    public let timestamp: Date?
    /// The error text.
    public let error: String

    /// Reads the origin headers; nil when `message` is not a dead letter
    /// (it lacks the error, topic or partition header).
    init?(_ message: KafkaMessage) {
        func text(_ name: String) -> String? {
            message.headers.last { $0.key == name }?.value.flatMap { String(validating: $0, as: UTF8.self) }
        }
        guard let error = text(KafkaDeadLetter.Header.error), let topic = text(KafkaDeadLetter.Header.originTopic),
            let partition = text(KafkaDeadLetter.Header.originPartition).flatMap({ Int32($0) })
        else { return nil }
        self.error = error
        self.topic = topic
        self.partition = partition
        self.offset = text(KafkaDeadLetter.Header.originOffset).flatMap { Int64($0) }
        self.timestamp = text(KafkaDeadLetter.Header.originTimestamp).flatMap { Int64($0) }
            .map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// The message that replays a dead letter into its origin topic: the
    /// original key and headers (without the `sluice.*` ones) and the given
    /// value (the original one when nil), to the same partition, so it is read
    /// after the messages that were there already.
    ///
    /// ```swift
    /// let again = origin.replay(deadLetter, value: Array(#"{"id":"o-1","amount":3}"#.utf8))
    /// ```
    /// - Parameters:
    ///   - deadLetter: The message read from the dead-letter topic.
    ///   - value: The fixed value; nil to replay the value unchanged.
    ///   - samePartition: True (the default) to produce to the original
    ///     partition; false to let the producer pick by key.
    /// - Returns: The message to produce.
    public func replay(_ deadLetter: KafkaMessage, value: [UInt8]? = nil, samePartition: Bool = true) -> KafkaSinkMessage {
        KafkaSinkMessage(
            topic: topic, key: deadLetter.key, value: value ?? deadLetter.value,
            headers: deadLetter.headers.filter { !KafkaDeadLetter.Header.all.contains($0.key) },
            partition: samePartition ? partition : nil)
    }
}

extension KafkaMessage {
    /// Where this message came from, if it was read from a dead-letter topic
    /// (see `KafkaDeadLetter.sinkMessage(topic:partition:)`); nil otherwise.
    ///
    /// ```swift
    /// let origins = deadLetters.compactMap(\.deadLetterOrigin)
    /// ```
    public var deadLetterOrigin: KafkaDeadLetterOrigin? { KafkaDeadLetterOrigin(self) }
}
