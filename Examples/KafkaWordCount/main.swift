// Word count from Kafka to Kafka: the running count of every word.
//
//   swift run -c release kafka-word-count --brokers localhost:19092 \
//       --input-topic lines --output-topic counts -w 2
//   swift run -c release kafka-word-count --demo -w 2     # on an embedded broker
//
// As a cluster: `--processes 3` starts three local processes of this program;
// on several machines, start it once per machine with `-i N -a
// "host0:7100;host1:7100;host2:7100"` (and a shared `-r` directory).
//
// Lines are read from the input topic, split into words, and each word is
// routed to the worker that owns it, which keeps its running count with
// `statefulMap`; every word read produces one message (key: the word, value:
// its count so far) to the output topic.
//
// Recovery: `-r DIR` (`--recovery-directory`) snapshots the counts and the
// input offsets into DIR; a run that was stopped in any way (kill -9
// included) and is started again with the same DIR resumes from the last
// committed snapshot, so every line is counted exactly once. `-s SECONDS`
// (`--snapshot-interval`) snapshots less often than every epoch
// (`--epoch-interval`, default 10 s). Output is at-least-once: counts
// written after the last snapshot are written again after a restart.
//
//   swift run -c release kafka-word-count --brokers localhost:19092 \
//       --input-topic lines --output-topic counts -r /var/lib/word-count -s 5 --epoch-interval 1
//
// With --demo, `-r DIR` snapshots the demo's count into DIR, which must hold
// no snapshot yet (the demo's broker and topics are new every time).
//
// Exactly-once output: `--exactly-once` (with `-r`) writes the counts in one
// Kafka transaction per worker per snapshot, committed once the snapshot is
// durable; `read_committed` consumers of the output see every count exactly
// once across crashes (docs/exactly-once.md).
//
//   swift run -c release kafka-word-count --brokers localhost:19092 \
//       --input-topic lines --output-topic counts -r /var/lib/word-count -s 1 --epoch-interval 1 --exactly-once
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

    @Flag(help: "Write the counts in Kafka transactions committed after each snapshot (needs -r).")
    var exactlyOnce = false

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
            guard sluice.processes == nil, sluice.addresses == nil else {
                throw ValidationError("--demo runs in one process (its broker lives there): drop --processes and -a")
            }
        } else {
            guard brokers != nil, inputTopic != nil, outputTopic != nil else {
                throw ValidationError("give --brokers, --input-topic and --output-topic (or --demo)")
            }
        }
    }

    func run() throws {
        if demo {
            try KafkaWordCountDemo(lines: demoLines, options: sluice, exactlyOnce: exactlyOnce).run()
            return
        }
        let flow = makeKafkaWordCountFlow(
            brokers: brokers!.split(separator: ",").map(String.init), inputTopic: inputTopic!,
            outputTopic: outputTopic!, tail: tail, exactlyOnce: exactlyOnce)
        // Honours every Sluice option: with -r the run resumes from its last committed
        // snapshot; with -i/-a (or --processes) this process is one member of a cluster;
        // SIGINT/SIGTERM stop it gracefully (with -r it suspends).
        try sluice.run(flow)
    }
}

KafkaWordCountCommand.main()
