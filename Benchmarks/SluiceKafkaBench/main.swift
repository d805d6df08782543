// The Sluice side of the `kafka-upper` benchmark: a finite Kafka → uppercase →
// Kafka job, timed from start to the final flush.
//
//   sluice-kafka-bench --brokers B --input-topic T --output-topic U [--workers N] [--batch-size N]
//
// Prints `RESULT workload=kafka-upper workers=<n> messages=<m> seconds=<s> items_per_s=<x>`.
// Uses KafkaSource/KafkaSink with their default settings (no benchmark-only tuning).
import Foundation
import Sluice
import SluiceKafka
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sluice-kafka-bench: \(message)\n".utf8))
    exit(1)
}

var brokers = ""
var inputTopic = ""
var outputTopic = ""
var workers = 1
var batchSize = 1000
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("missing value for \(flag)") }
    switch flag {
    case "--brokers": brokers = value
    case "--input-topic": inputTopic = value
    case "--output-topic": outputTopic = value
    case "--workers", "-w": workers = Int(value) ?? 0
    case "--batch-size": batchSize = Int(value) ?? 0
    default: fail("unknown argument \(flag)")
    }
}
guard !brokers.isEmpty, !inputTopic.isEmpty, !outputTopic.isEmpty, workers >= 1, batchSize >= 1 else {
    fail("usage: sluice-kafka-bench --brokers B --input-topic T --output-topic U [--workers N] [--batch-size N]")
}

/// Counts the messages that reach the sink step.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
let counted = Counter()
let brokerList = brokers.split(separator: ",").map(String.init)
let output = outputTopic

let flow = Dataflow("kafka_upper")
flow.input("in", KafkaSource(brokers: brokerList, topics: [inputTopic], batchSize: batchSize, tail: false))
    .map("upper") { message in
        let upper = message.value.withUnsafeBufferPointer { bytes in
            [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    out[index] = byte &- (byte &- 0x61 < 26 ? 0x20 : 0)
                }
                count = bytes.count
            }
        }
        return KafkaSinkMessage(topic: output, key: message.key, value: upper, partition: message.partition)
    }
    .inspect("count") { _ in counted.value.add(1, ordering: .relaxed) }
    .output("out", KafkaSink(brokers: brokerList, topic: outputTopic))

let clock = ContinuousClock()
let elapsed: Duration
do {
    elapsed = try clock.measure { try run(flow, workers: workers) }
} catch {
    fail("run failed: \(error)")
}
let messages = counted.value.load(ordering: .relaxed)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("RESULT workload=kafka-upper workers=\(workers) messages=\(messages) seconds=\(String(format: "%.3f", seconds)) items_per_s=\(Int(Double(messages) / seconds))")
