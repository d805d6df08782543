import Foundation
import SluiceKafka

/// How `sluice consume` prints a message.
///
/// ```swift
/// print(ConsumedMessage.text(message))   // 0@5 key=c-1 [trace=abc] value=hello
/// ```
enum ConsumedMessage {
    /// `PARTITION@OFFSET key=KEY [NAME=VALUE ...] value=VALUE`; `key=-` for none.
    static func text(_ message: KafkaMessage) -> String {
        var line = "\(message.partition)@\(message.offset) key=\(message.key.map(show) ?? "-")"
        if !message.headers.isEmpty {
            line += " [" + message.headers.map { "\($0.key)=\($0.value.map(show) ?? "-")" }.joined(separator: " ") + "]"
        }
        return line + " value=" + (message.isNullValue ? "-" : show(message.value))
    }

    /// One JSON object: topic, partition, offset, key, value, headers, timestamp.
    static func json(_ message: KafkaMessage) -> String {
        var object: [String: Any] = [
            "topic": message.topic, "partition": Int(message.partition), "offset": Int(message.offset),
            "key": message.key.map(show) ?? NSNull(), "value": message.isNullValue ? NSNull() : show(message.value),
            "headers": message.headers.map { ["name": $0.key, "value": $0.value.map(show) ?? NSNull()] as [String: Any] },
        ]
        if let time = message.timestamp { object["timestamp"] = Int((time.timeIntervalSince1970 * 1000).rounded()) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// UTF-8 text, or `0x…` hex for bytes that are not.
    static func show(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? "0x" + bytes.map { String(format: "%02x", $0) }.joined()
    }
}
