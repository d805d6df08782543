import ArgumentParser
import Foundation
import SluiceKafka

/// `sluice produce TOPIC`: produces one message per input line.
///
/// ```
/// $ printf 'c-1:{"amount":3}\nc-2:{"amount":5}\n' | sluice produce orders --key-separator : --brokers 127.0.0.1:40123
/// produced 2 messages to orders
/// $ sluice produce orders --json --file orders.jsonl --header source=replay
/// ```
struct ProduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produces messages to a topic, one per line of standard input or a file.",
        discussion: """
            Each line is a value; with --key-separator SEP, the text before the first SEP is the \
            key. With --json each line is an object {"key": "k", "value": "v" or any JSON, \
            "headers": {"name": "value"}, "partition": 0}. The whole input is checked before \
            anything is produced: a bad line stops it, naming the line. A missing topic is an \
            error (nothing is created).
            """
    )

    @OptionGroup var connection: KafkaConnectionOptions

    @Argument(help: "The topic.")
    var topic: String

    @Option(help: "Read this file instead of standard input.")
    var file: String?

    @Option(help: "Split each line into key and value at the first occurrence of this text.")
    var keySeparator: String?

    @Flag(help: "Each line is a JSON object with key, value, headers and partition.")
    var json = false

    @Option(
        name: .customLong("header"), help: ArgumentHelp("A header for every message (repeat for several).", valueName: "name=value"))
    var headers: [String] = []

    @Option(help: "Seconds to wait for every message to be delivered.")
    var deliveryTimeout = 30.0

    func validate() throws {
        if json && keySeparator != nil { throw ValidationError("--json and --key-separator exclude each other") }
        if keySeparator == "" { throw ValidationError("--key-separator must not be empty") }
        guard deliveryTimeout > 0 else { throw ValidationError("--delivery-timeout must be positive") }
        _ = try headerList()
    }

    func headerList() throws -> [KafkaHeader] {
        try headers.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--header expects name=value, got '\(text)'")
            }
            return KafkaHeader(key: String(text[..<equals]), value: Array(text[text.index(after: equals)...].utf8))
        }
    }

    func run() throws {
        let text: String
        let source: String
        if let file {
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ProduceInputError(description: "cannot read '\(file)': \(error.localizedDescription)")
            }
            source = "'\(file)'"
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            source = "standard input"
        }
        let input = ProduceInput(keySeparator: keySeparator, json: json, headers: try headerList())
        let messages = try input.messages(from: text, source: source)
        let writer = KafkaTopicWriter(
            brokers: try connection.brokerList(), requestTimeout: connection.timeout,
            flushTimeout: .milliseconds(Int64((deliveryTimeout * 1000).rounded())))
        try writer.produce(messages, to: topic)
        FileHandle.standardError.write(
            Data("produced \(messages.count) message\(messages.count == 1 ? "" : "s") to \(topic)\n".utf8))
    }
}
