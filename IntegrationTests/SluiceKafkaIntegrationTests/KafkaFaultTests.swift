import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Synchronization
import Testing

/// The embedded broker goes down in the middle of a run and comes back
/// shortly after: reading and writing resume, nothing is lost and nothing is
/// duplicated. Fault injection needs the embedded broker.
@Suite(
    .enabled(
        if: !TestBroker.usesExternalBroker,
        "fault injection needs the embedded broker; KAFKA_BOOTSTRAP_SERVERS points at a real one"))
struct KafkaFaultTests {
    static let count = 2000

    /// Fast reconnection, so the run resumes soon after the broker is back
    /// (librdkafka's backoff grows to 10 s by default). Only speed depends on it.
    static let quickReconnect = ["reconnect.backoff.ms": "20", "reconnect.backoff.max.ms": "200"]

    /// One outage of broker 1: down at `begin()` (called once, from a step),
    /// up again a little later from another thread.
    final class Outage: Sendable {
        let kafka: EmbeddedKafka
        private let begun = Atomic<Bool>(false)
        private let over = DispatchSemaphore(value: 0)
        private let failure = Mutex<(any Error)?>(nil)

        init(_ kafka: EmbeddedKafka) { self.kafka = kafka }

        /// Takes the broker down (the first call only) and schedules its return.
        func begin() {
            guard begun.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
            else { return }
            do { try kafka.setBrokerDown(1) } catch { failure.withLock { $0 = error } }
            let thread = Thread { [self] in
                Thread.sleep(forTimeInterval: 0.3)  // the outage's length, not a synchronization
                do { try kafka.setBrokerUp(1) } catch { failure.withLock { $0 = $0 ?? error } }
                over.signal()
            }
            thread.start()
        }

        /// True once `begin()` ran.
        var happened: Bool { begun.load(ordering: .acquiring) }

        /// Waits until the broker is up again (bounded) and throws what went wrong.
        func end() throws {
            guard happened else { return }
            guard over.wait(timeout: .now() + hangBound.timeInterval) == .success else {
                Issue.record("the broker did not come back within \(hangBound)")
                throw TestStopped()
            }
            over.signal()
            if let error = failure.withLock({ $0 }) { throw error }
            // The mock applies "up" asynchronously: wait (bounded) until the
            // broker answers again, so what follows never meets it still down.
            for _ in 0..<40 {
                do {
                    // All-topics metadata (never creates the topic): any answer will do.
                    _ = try KafkaAdmin.partitions(of: "sluice-probe", brokers: [kafka.bootstrapServers], timeout: .milliseconds(500))
                    return
                } catch KafkaError.topicNotFound {
                    return
                } catch {
                    continue
                }
            }
            Issue.record("the broker did not answer again after coming back up")
            throw TestStopped()
        }
    }

    /// Consumer side: a finite read loses its broker right after its first
    /// fetch and gets it back; it still reads every message once. Each
    /// partition holds two message sets (two produce runs, each flushed as
    /// one set), the embedded broker answers a fetch with one set, and with
    /// `queued.min.messages` 1 the consumer fetches again only once its queue
    /// is drained and it wakes up (within a second). The outage begins at the
    /// first item, so the second half of the data is still on the broker.
    @Test(arguments: [1, 2])
    func readingSurvivesABrokerOutage(workers: Int) throws {
        let broker = try TestBroker()
        let kafka = try #require(broker.embedded)
        let topic = try broker.topic("fault-read", partitions: 2)
        let messages = (0..<Self.count).map { KafkaSinkMessage(key: nil, value: "m\($0)", partition: Int32($0 % 2)) }
        let half = Self.count / 2
        try produce(Array(messages[..<half]), to: topic, on: broker, config: ["linger.ms": "1000"])
        try produce(Array(messages[half...]), to: topic, on: broker, config: ["linger.ms": "1000"])

        let outage = Outage(kafka)
        let sink = TestingSink<String>()
        let flow = Dataflow("fault_read")
        let config = Self.quickReconnect.merging(["queued.min.messages": "1"]) { $1 }
        let source = KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 20, tail: false, config: config)
        flow.input("in", source)
            .inspect("outage") { _ in outage.begin() }
            .map("text") { $0.text }
            .output("out", sink)
        let running = start(flow, configuration: RunConfiguration(workers: workers))
        defer { try? outage.end() }
        try awaitEnd(running)
        try outage.end()

        #expect(outage.happened)
        #expect(sink.items.count == Self.count)
        #expect(duplicates(sink.items).isEmpty)
        #expect(multiset(sink.items) == multiset(messages.map { String(decoding: $0.value, as: UTF8.self) }))
        try broker.assertNoDroppedData()
    }

    /// Producer side: the broker goes down while the sink is writing and comes
    /// back; every message is delivered, and exactly once (idempotent producer).
    @Test func writingSurvivesABrokerOutage() throws {
        let broker = try TestBroker()
        let kafka = try #require(broker.embedded)
        let topic = try broker.topic("fault-write", partitions: 2)

        let outage = Outage(kafka)
        let flow = Dataflow("fault_write")
        flow.input("in", TestingSource((0..<Self.count).map { "m\($0)" }, batchSize: 20))
            .inspect("outage") { if $0 == "m500" { outage.begin() } }
            .map("message") { KafkaSinkMessage(key: $0, value: $0) }
            .output(
                "kafka",
                KafkaSink(
                    brokers: broker.brokers, topic: topic,
                    config: Self.quickReconnect.merging(["batch.num.messages": "20", "linger.ms": "0"]) { $1 },
                    flushTimeout: .seconds(20)))
        let running = start(flow, configuration: RunConfiguration(workers: 1))
        defer { try? outage.end() }
        try awaitEnd(running)
        try outage.end()

        #expect(outage.happened)
        let read = try readAll(topic, on: broker, workers: 2).map(\.text)
        #expect(read.count == Self.count)
        #expect(duplicates(read).isEmpty)
        #expect(multiset(read) == multiset((0..<Self.count).map { "m\($0)" }))
        try broker.assertNoDroppedData()
    }
}

extension TestBroker {
    /// True when `KAFKA_BOOTSTRAP_SERVERS` points the tests at a real broker.
    static var usesExternalBroker: Bool {
        !(ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "").isEmpty
    }
}
