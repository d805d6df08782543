import ArgumentParser
import Foundation
import SluiceKafka

/// `sluice consume TOPIC`: prints a topic's messages with their position,
/// key, headers and value.
///
/// ```
/// $ sluice consume orders --brokers 127.0.0.1:40123
/// 0@0 key=c-1 value={"amount":3}
/// 1@0 key=c-2 [source=replay] value={"amount":5}
/// $ sluice consume orders --from-end --max 1 --timeout 30 --json
/// ```
struct ConsumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Prints a topic's messages: position, key, headers and value.",
        discussion: """
            Reads every partition from the oldest message (or, with --from-end, from the end) \
            and stops at the end of every partition, after --max messages, or, with --follow or \
            --from-end, when stopped (SIGINT) or after --timeout seconds. Fewer than --max \
            messages within --timeout is an error (exit 1). Text lines are \
            PARTITION@OFFSET key=KEY [HEADER=VALUE ...] value=VALUE (bytes that are not UTF-8 \
            are shown in hex); --json prints one object per line with topic, partition, offset, \
            key, value, headers and timestamp (milliseconds).
            """
    )

    @OptionGroup var connection: KafkaConnectionOptions

    @Argument(help: "The topic.")
    var topic: String

    @Flag(help: "Start at the end: print only messages produced from now on (implies --follow).")
    var fromEnd = false

    @Flag(help: "Keep waiting for new messages after the end.")
    var follow = false

    @Option(help: "Stop after this many messages.")
    var max: Int?

    @Option(help: "The longest to read, in seconds.")
    var timeout: Double?

    @Flag(help: "Leave out messages of aborted and open transactions.")
    var readCommitted = false

    @Flag(help: "Print one JSON object per message.")
    var json = false

    func validate() throws {
        if let max, max < 1 { throw ValidationError("--max must be at least 1, got \(max)") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let signals = StopSignals()
        let reader = try KafkaTopicReader(
            brokers: try connection.brokerList(), topic: topic, fromEnd: fromEnd, readCommitted: readCommitted,
            requestTimeout: connection.timeout)
        let following = follow || fromEnd
        let deadline = timeout.map { ContinuousClock.now + .milliseconds(Int64(($0 * 1000).rounded())) }
        var printed = 0
        while true {
            if let max, printed >= max { return }
            if !following && reader.atEnd { break }
            if let deadline, ContinuousClock.now >= deadline { break }
            if signals.wait(seconds: 0) { break }
            for message in try reader.poll(wait: .milliseconds(100)) {
                if let max, printed >= max { break }
                // Unbuffered, so a reader of the pipe sees each message at once.
                let line = json ? ConsumedMessage.json(message) : ConsumedMessage.text(message)
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                printed += 1
            }
        }
        if let max, printed < max {
            let within = timeout.map { " within \($0) s" } ?? ""
            throw ConsumeError(description: "read \(printed) of \(max) messages from '\(topic)'\(within)")
        }
    }
}

/// `sluice consume` did not get what it was asked for.
struct ConsumeError: Error, CustomStringConvertible {
    let description: String
}
