import Foundation
import Sluice
import SluiceKafka

/// The words of a line: lowercased runs of letters and apostrophes.
///
/// ```swift
/// words(in: "It's the END.")   // ["it's", "the", "end"]
/// ```
func words(in line: String) -> [String] {
    line.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
}

/// Builds the Kafka word-count dataflow: reads lines from `inputTopic`, keeps
/// a running count per word, and for every word read produces one message to
/// `outputTopic` whose key is the word and whose value is its running count
/// in decimal. The last message of a word carries its total.
///
/// ```swift
/// let flow = makeKafkaWordCountFlow(
///     brokers: ["localhost:19092"], inputTopic: "lines", outputTopic: "counts", tail: false)
/// try Sluice.run(flow, workers: 2)
/// ```
/// - Parameters:
///   - brokers: Bootstrap brokers.
///   - inputTopic: The topic of text lines (one line per message, UTF-8).
///   - outputTopic: The topic the running counts go to.
///   - tail: False to stop at the end of the input seen at start; true to run for ever.
///   - exactlyOnce: Write the counts with Kafka transactions after each snapshot
///     (needs a recovery directory); `read_committed` readers see each count once.
/// - Returns: The dataflow.
func makeKafkaWordCountFlow(
    brokers: [String], inputTopic: String, outputTopic: String, tail: Bool, exactlyOnce: Bool = false
) -> Dataflow {
    let flow = Dataflow("kafka_word_count")
    flow.input("lines", KafkaSource(brokers: brokers, topics: [inputTopic], tail: tail))
        .flatMap("words") { message in words(in: String(decoding: message.value, as: UTF8.self)) }
        .keyOn("key") { $0 }
        .statefulMap("count") { (count: Int?, _: String) in
            let next = (count ?? 0) + 1
            return (next, next)
        }
        .map("encode") { KafkaSinkMessage(key: $0.key, value: String($0.value)) }
        .output("counts", KafkaSink(brokers: brokers, topic: outputTopic, exactlyOnce: exactlyOnce))
    return flow
}
