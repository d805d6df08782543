import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Bytewax's scaling story: a topic with a single partition is read by one
/// worker only; `redistribute` spreads its messages so that the expensive
/// `flatMapBatch` step runs on every worker, and the output does not change.
@Suite struct RedistributeScalingTests {
    static let count = 2000

    /// Stands in for expensive per-item work: a deterministic digest.
    static func work(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\(text):\(String(hash, radix: 16))"
    }

    /// The output and the workers that read the input and did the work.
    struct Outcome {
        let output: [String]
        let readers: Set<Int>
        let workers: Set<Int>
    }

    static func scale(_ topic: String, on broker: TestBroker, workers: Int) throws -> Outcome {
        let readers = SharedSet<Int>()
        let doers = SharedSet<Int>()
        let sink = TestingSink<String>()
        let flow = Dataflow("scaling")
        flow.input("in", KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 100, tail: false))
            .inspectDebug("read_by") { readers.insert($0.worker.rawValue) }
            .redistribute("spread")
            .inspectDebug("worked_by") { doers.insert($0.worker.rawValue) }
            .flatMapBatch("work") { batch in batch.map { work($0.text) } }
            .output("out", sink)
        try runToEnd(flow, workers: workers)
        return Outcome(output: sink.items, readers: readers.elements, workers: doers.elements)
    }

    @Test func redistributeSpreadsASinglePartitionOverEveryWorker() throws {
        let broker = try TestBroker()
        let topic = try broker.topic("one-partition", partitions: 1)
        try produce((0..<Self.count).map { KafkaSinkMessage(key: nil, value: "n\($0)") }, to: topic, on: broker)

        let single = try Self.scale(topic, on: broker, workers: 1)
        #expect(single.output.count == Self.count)
        #expect(multiset(single.output) == multiset((0..<Self.count).map { Self.work("n\($0)") }))

        for workers in [2, 3] {
            let scaled = try Self.scale(topic, on: broker, workers: workers)
            #expect(scaled.readers.count == 1, "one partition, one reader (\(workers) workers)")
            #expect(scaled.workers == Set(0..<workers), "the work ran on every worker (\(workers) workers)")
            #expect(multiset(scaled.output) == multiset(single.output), "\(workers) workers")
        }
        try broker.assertNoDroppedData()
    }
}
