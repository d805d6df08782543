internal import CRdKafka

/// The origin of a dead-letter message, for a produce or delivery error that
/// concerns it: ` (dead letter of Kafka topic 'orders' partition 0 offset
/// 17)`, or "" for a message without the origin headers. So a dead letter
/// the broker refuses (too large, say) names the message that went wrong
/// first, not only the dead-letter topic.
///
/// ```swift
/// reason: errorText(code) + KafkaDeadLetterNote.text(message.headers)
/// ```
enum KafkaDeadLetterNote {
    /// From the headers of a message about to be produced.
    static func text(_ headers: [KafkaHeader]) -> String {
        guard !headers.isEmpty else { return "" }
        return text { name in
            headers.last { $0.key == name }?.value.flatMap { String(validating: $0, as: UTF8.self) }
        }
    }

    /// From the headers of a delivery report's message.
    static func text(_ message: UnsafePointer<rd_kafka_message_t>) -> String {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return "" }
        return text { name in
            var bytes: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_last(list, name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let bytes else {
                return nil
            }
            return String(validating: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
        }
    }

    private static func text(_ header: (String) -> String?) -> String {
        guard let topic = header(KafkaDeadLetter.Header.originTopic),
            let partition = header(KafkaDeadLetter.Header.originPartition)
        else { return "" }
        let offset = header(KafkaDeadLetter.Header.originOffset).map { " offset \($0)" } ?? ""
        return " (dead letter of Kafka topic '\(topic)' partition \(partition)\(offset))"
    }
}
