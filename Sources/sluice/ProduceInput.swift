import Foundation
import SluiceKafka

/// Turns the text `sluice produce` reads into messages: one message per line,
/// either the value (with `keySeparator`, key and value) or a JSON object
/// `{"key": "k", "value": "v" or any JSON, "headers": {"h": "v"}, "partition": 0}`.
///
/// ```swift
/// let messages = try ProduceInput(keySeparator: ":", json: false, headers: []).messages(from: "a:1\nb:2\n", source: "stdin")
/// ```
struct ProduceInput {
    /// Splits each line into key and value at its first occurrence; nil: no keys.
    var keySeparator: String?
    /// Each line is a JSON object.
    var json: Bool
    /// Headers added to every message.
    var headers: [KafkaHeader]

    /// The messages of `text`, one per line (a final newline ends the last
    /// line; blank lines are skipped in JSON mode, empty values otherwise).
    /// - Throws: `ProduceInputError` naming `source` and the line.
    func messages(from text: String, source: String) throws -> [KafkaSinkMessage] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        var messages: [KafkaSinkMessage] = []
        for (index, line) in lines.enumerated() {
            let place = "\(source) line \(index + 1)"
            if json {
                if line.allSatisfy(\.isWhitespace) { continue }
                messages.append(try jsonMessage(line, place: place))
            } else if let keySeparator {
                guard let range = line.range(of: keySeparator) else {
                    throw ProduceInputError(description: "\(place) has no key separator '\(keySeparator)': '\(line)'")
                }
                messages.append(
                    KafkaSinkMessage(
                        key: String(line[..<range.lowerBound]), value: String(line[range.upperBound...]), headers: headers))
            } else {
                messages.append(KafkaSinkMessage(key: nil, value: line, headers: headers))
            }
        }
        return messages
    }

    private func jsonMessage(_ line: String, place: String) throws -> KafkaSinkMessage {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ProduceInputError(description: "\(place) is not JSON: \(error.localizedDescription)")
        }
        guard let fields = object as? [String: Any] else {
            throw ProduceInputError(description: "\(place) is not a JSON object like {\"key\": \"k\", \"value\": \"v\"}")
        }
        if let unknown = fields.keys.sorted().first(where: { !["key", "value", "headers", "partition"].contains($0) }) {
            throw ProduceInputError(description: "\(place) has an unknown field '\(unknown)' (key, value, headers, partition)")
        }
        guard let value = fields["value"] else {
            throw ProduceInputError(description: "\(place) has no \"value\"")
        }
        var key: [UInt8]?
        switch fields["key"] {
        case nil, is NSNull: key = nil
        case let text as String: key = Array(text.utf8)
        default: throw ProduceInputError(description: "\(place): \"key\" must be a string or null")
        }
        var messageHeaders = headers
        if let given = fields["headers"] {
            guard let pairs = given as? [String: Any] else {
                throw ProduceInputError(description: "\(place): \"headers\" must be an object of strings")
            }
            for (name, text) in pairs.sorted(by: { $0.key < $1.key }) {
                guard let text = text as? String else {
                    throw ProduceInputError(description: "\(place): header '\(name)' must be a string")
                }
                messageHeaders.append(KafkaHeader(key: name, value: Array(text.utf8)))
            }
        }
        var partition: Int32?
        if let given = fields["partition"] {
            guard let number = given as? Int, let id = Int32(exactly: number), id >= 0 else {
                throw ProduceInputError(description: "\(place): \"partition\" must be a partition number")
            }
            partition = id
        }
        let bytes: [UInt8]
        if let text = value as? String {
            bytes = Array(text.utf8)
        } else {
            bytes = Array(try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]))
        }
        return KafkaSinkMessage(key: key, value: bytes, headers: messageHeaders, partition: partition)
    }
}

/// What is wrong with `sluice produce`'s input.
struct ProduceInputError: Error, CustomStringConvertible {
    let description: String
}
