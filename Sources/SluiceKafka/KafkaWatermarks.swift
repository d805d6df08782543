import Foundation
import SluiceCore

extension Watermarks where Item == KafkaMessage {
    /// Watermarks from the messages' Kafka timestamps (the producer's
    /// `CreateTime` or the broker's `LogAppendTime`, as the topic says):
    /// per partition, the newest timestamp minus `allowance`. Messages
    /// without a timestamp move nothing.
    ///
    /// ```swift
    /// let messages = flow.input("readings", KafkaSource(brokers: ["localhost:19092"], topics: ["readings"]),
    ///                           watermarks: .kafkaTimestamps(allowance: .seconds(5)))
    /// ```
    /// - Parameters:
    ///   - allowance: How long to wait for out-of-order messages (zero or more).
    ///   - idleAfter: How long a partition may deliver nothing before it stops
    ///     holding the watermark back. Default 30 s.
    ///   - maxAheadOfSystemTime: Timestamps further ahead of system time move
    ///     nothing; nil for no limit. Default one day.
    /// - Returns: The watermark policy for a `KafkaSource` input.
    public static func kafkaTimestamps(
        allowance: Duration, idleAfter: Duration = .seconds(30), maxAheadOfSystemTime: Duration? = .seconds(86_400)
    ) -> Watermarks<KafkaMessage> {
        Watermarks(
            timestamp: { $0.timestamp }, allowance: allowance, idleAfter: idleAfter,
            maxAheadOfSystemTime: maxAheadOfSystemTime)
    }
}
