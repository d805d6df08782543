import Foundation
import Logging
import Sluice
import SluiceKafka

/// A self-contained run of the example (`make demo`): starts an embedded
/// Kafka, produces a generated text to `lines` (4 partitions), counts its
/// words into `counts`, reads the counts back, checks them against a direct
/// count of the text and prints the ten most frequent words. With a recovery
/// directory (`-r`), the count snapshots into it; the directory must hold no
/// snapshot yet, since the demo's broker and topics are new every time.
///
/// ```swift
/// try KafkaWordCountDemo(lines: 1_000, options: try SluiceOptions.parse(["-w", "2"])).run()
/// ```
struct KafkaWordCountDemo {
    /// Lines of generated text.
    var lines = 20_000
    /// How to run the word count (workers, epoch length, recovery).
    var options = SluiceOptions()
    /// Write the counts with Kafka transactions (needs a recovery directory).
    var exactlyOnce = false

    enum Failure: Error, CustomStringConvertible {
        case wrongCounts(String)
        case recoveryDirectoryInUse(Epoch)
        var description: String {
            switch self {
            case .wrongCounts(let reason): return "the counts read back are wrong: \(reason)"
            case .recoveryDirectoryInUse(let epoch):
                return "the recovery directory holds snapshots up to \(epoch) of an earlier run; "
                    + "the demo's broker is new every time, so give it a new directory"
            }
        }
    }

    func run() throws {
        let kafka = try EmbeddedKafka(brokers: 1)
        try kafka.createTopic("lines", partitions: 4)
        try kafka.createTopic("counts", partitions: 4)
        let brokers = [kafka.bootstrapServers]
        let count = makeKafkaWordCountFlow(
            brokers: brokers, inputTopic: "lines", outputTopic: "counts", tail: false, exactlyOnce: exactlyOnce)
        let configuration = try options.configuration(for: count)
        if let earlier = try configuration.recoveryStore?.resumePoint() {
            throw Failure.recoveryDirectoryInUse(earlier.epoch)
        }
        let text = DemoText.lines(lines)
        say("demo: embedded Kafka at \(kafka.bootstrapServers); producing \(text.count) lines to 'lines' (4 partitions)")

        let produce = Dataflow("produce_demo_text")
        produce.input("text", LinesSource(lines: text))
            .map("encode") { KafkaSinkMessage(key: nil, value: $0) }
            .output("lines", KafkaSink(brokers: brokers, topic: "lines"))
        try Sluice.run(produce, workers: 1)

        say("demo: counting words with \(configuration.workers) worker(s): lines -> counts")
        let started = ContinuousClock.now
        try Sluice.run(count, configuration: configuration)
        let elapsed = ContinuousClock.now - started
        if let snapshot = try configuration.recoveryStore?.resumePoint() {
            say("demo: recovery snapshots committed up to \(snapshot.epoch)")
        }

        let table = WordCountTable()
        let readBack = Dataflow("read_counts")
        readBack.input("counts", KafkaSource(brokers: brokers, topics: ["counts"], tail: false))
            .map("decode") { message in
                (word: String(decoding: message.key ?? [], as: UTF8.self),
                 count: Int(String(decoding: message.value, as: UTF8.self)) ?? -1)
            }
            .output("table", table.sink)
        try Sluice.run(readBack, workers: 1)

        try check(table, against: text)
        if case let dropped = try kafka.droppedData(), !dropped.isEmpty {
            throw KafkaError.embeddedBroker(reason: "data dropped: \(dropped)")
        }
        say("demo: \(table.messages) count messages in \(String(format: "%.2f", seconds(elapsed))) s, checked against a direct count")
        say("")
        say("Top 10 words (topic 'counts'):")
        let top = table.highest.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
        for (word, count) in top { say("\(word) \(count)") }
    }

    /// Fails unless the final counts and the message count match the text.
    private func check(_ table: WordCountTable, against text: [String]) throws {
        var expected: [String: Int] = [:]
        var total = 0
        for line in text {
            for word in words(in: line) {
                expected[word, default: 0] += 1
                total += 1
            }
        }
        guard table.messages == total else {
            throw Failure.wrongCounts("\(table.messages) messages for \(total) words")
        }
        guard table.highest == expected else {
            let wrong = expected.keys.sorted().filter { table.highest[$0] != expected[$0] }.prefix(5)
            throw Failure.wrongCounts("e.g. \(wrong.map { "\($0): \(table.highest[$0] ?? 0) != \(expected[$0]!)" })")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func say(_ line: String) {
        print(line)
        fflush(nil)
    }
}
