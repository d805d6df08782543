// Word count from Kafka to Kafka: the running count of every word.
//
//   swift run -c release kafka-word-count --brokers localhost:19092 \
//       --input-topic lines --output-topic counts -w 2
//   swift run -c release kafka-word-count --demo -w 2     # on an embedded broker
//
// Lines are read from the input topic, split into words, and each word is
// routed to the worker that owns it, which keeps its running count with
// `statefulMap`; every word read produces one message (key: the word, value:
// its count so far) to the output topic.
import ArgumentParser
import Foundation
import Sluice

struct KafkaWordCountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-word-count",
        abstract: "Counts the words of a Kafka topic into another topic with a Sluice dataflow.")

    @Option(help: "Bootstrap brokers, comma-separated (e.g. localhost:19092).")
    var brokers: String?

    @Option(help: "The topic of text lines to read.")
    var inputTopic: String?

    @Option(help: "The topic the running counts are written to (key: word, value: count).")
    var outputTopic: String?

    @Flag(inversion: .prefixedNo, help: "Keep reading new lines for ever (default: stop at the end of the topic).")
    var tail = false

    @Flag(help: "Run on an embedded broker with generated text and print the top 10 words.")
    var demo = false

    @Option(help: "Lines of generated text in --demo mode.")
    var demoLines = 20_000

    @OptionGroup var sluice: SluiceOptions

    func validate() throws {
        if demo {
            guard brokers == nil, inputTopic == nil, outputTopic == nil, !tail else {
                throw ValidationError("--demo brings its own broker and topics: drop --brokers, the topics and --tail")
            }
            guard demoLines >= 1 else { throw ValidationError("--demo-lines must be positive, got \(demoLines)") }
        } else {
            guard brokers != nil, inputTopic != nil, outputTopic != nil else {
                throw ValidationError("give --brokers, --input-topic and --output-topic (or --demo)")
            }
        }
    }

    func run() throws {
        var configuration = try sluice.configuration()
        if demo {
            try KafkaWordCountDemo(lines: demoLines, configuration: configuration).run()
            return
        }
        let flow = makeKafkaWordCountFlow(
            brokers: brokers!.split(separator: ",").map(String.init), inputTopic: inputTopic!,
            outputTopic: outputTopic!, tail: tail)
        let stop = StopSignal()
        configuration.stopSignal = stop
        let handlers = stopOnSignals(stop)
        defer { handlers.forEach { $0.cancel() } }
        try Sluice.run(flow, configuration: configuration)
    }
}

KafkaWordCountCommand.main()
