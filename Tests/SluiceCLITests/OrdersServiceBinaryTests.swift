import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// The built `orders-service` binary against the embedded broker: it serves
/// `GET /healthz` while its dataflow runs; SIGTERM shuts the whole
/// `ServiceGroup` down gracefully (exit 0, the HTTP port closed), and a
/// restart with the same `-r` continues where the stop suspended.
@Suite(.onOwnThread) struct OrdersServiceBinaryTests {
    /// Orders of 3 customers (by index modulo 3), a second apart from
    /// 2024-06-18T10:00:00Z, each of 1.5, as JSON keyed by customer.
    static func orders(_ range: Range<Int>) -> [KafkaSinkMessage] {
        range.map { index in
            let time = Date(timeIntervalSince1970: 1_718_704_800 + Double(index))
            let customer = "c-\(index % 3)"
            return KafkaSinkMessage(
                key: customer,
                value: #"{"id":"o-\#(index)","customer":"\#(customer)","amount":1.5,"time":"\#(time.ISO8601Format())"}"#)
        }
    }

    static func produce(_ messages: [KafkaSinkMessage], brokers: [String]) throws {
        let produce = Dataflow("produce")
        produce.input("messages", TestingSource(messages, batchSize: 50))
            .output("orders", KafkaSink(brokers: brokers, topic: "orders"))
        try run(produce, workers: 1)
    }

    static func messages(in topic: String, brokers: [String]) throws -> Int64 {
        try KafkaAdmin.watermarks(of: topic, brokers: brokers).values.map(\.high).reduce(0, +)
    }

    static func read(_ topic: String, brokers: [String]) throws -> [KafkaMessage] {
        let read = Dataflow("read")
        let sink = TestingSink<KafkaMessage>()
        read.input("in", KafkaSource(brokers: brokers, topics: [topic], tail: false)).output("sink", sink)
        try run(read, workers: 1)
        return sink.items
    }

    @Test func servesHealthUntilSIGTERMExitsZeroAndARestartContinues() throws {
        let kafka = try EmbeddedKafka()
        for topic in ["orders", "totals", "windows", "dead"] { try kafka.createTopic(topic, partitions: 2) }
        let brokers = [kafka.bootstrapServers]
        try Self.produce(Self.orders(0..<150) + [KafkaSinkMessage(key: "bad", value: "not json")], brokers: brokers)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-service-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = try BuiltExecutable.url(named: "orders-service")
        let arguments = [
            "--brokers", kafka.bootstrapServers, "--orders-topic", "orders", "--totals-topic", "totals",
            "--windows-topic", "windows", "--dead-letter-topic", "dead", "--wait", "120",
            "--http-host", "127.0.0.1", "--http-port", "0", "-r", directory, "--epoch-interval", "0.05", "-w", "2",
        ]

        let service = try ChildProcess(executable, arguments)
        defer { if !service.hasExited { service.send(SIGKILL) } }
        try service.waitFor("the HTTP port") { stdout, _ in stdout.contains("http-port=") && stdout.hasSuffix("\n") }
        let line = try #require(service.stdout.split(separator: "\n").first { $0.hasPrefix("http-port=") })
        let port = try #require(Int(line.dropFirst("http-port=".count)), "\(line)")
        #expect(port > 0)
        let health = (try? HTTPProbe(port: port, timeout: 5).get("/healthz"))
        #expect(health?.status == 200 && health?.body == "ok", "\(String(describing: health)); \(service.stderr)")
        #expect((try? HTTPProbe(port: port, timeout: 5).get("/nothing"))?.status == 404)

        // The dataflow is running: its totals reach Kafka (bounded wait, not a sleep).
        let giveUp = ContinuousClock.now + .seconds(60)
        while try Self.messages(in: "totals", brokers: brokers) < 150 {
            try #require(!service.hasExited, "the service ended by itself: \(service.stderr)")
            try #require(ContinuousClock.now < giveUp, "no totals in 60 s: \(service.stderr)")
            Thread.sleep(forTimeInterval: 0.05)
        }
        service.send(SIGTERM)
        let exit = try service.waitForExit(timeout: .seconds(30))
        #expect(exit == ChildProcess.Exit(exited: true, status: 0), "\(exit); \(service.stderr)")
        #expect((try? HTTPProbe(port: port, timeout: 5).get("/healthz")) == nil, "the HTTP server still answers after the exit")
        // Open windows were suspended, not flushed: nothing was closed by an end of input.
        #expect(try Self.messages(in: "windows", brokers: brokers) == 0, "the stop drained the windows")

        // More orders; a finite run with the same -r continues the totals and windows.
        try Self.produce(Self.orders(150..<300), brokers: brokers)
        let last = try ChildProcess(executable, arguments + ["--no-tail"])
        defer { if !last.hasExited { last.send(SIGKILL) } }
        let lastExit = try last.waitForExit(timeout: .seconds(60))
        #expect(lastExit == ChildProcess.Exit(exited: true, status: 0), "\(lastExit); \(last.stderr)")

        let totals = try Self.read("totals", brokers: brokers)
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] }
            .map { "\($0["order"] as? String ?? "?") \(($0["total"] as? NSNumber)?.doubleValue ?? -1)" }
        #expect(totals.count == 300, "\(totals.count) totals for 300 orders")
        #expect(Set(totals).count == 300, "a total written twice")
        for customer in 0..<3 {
            // The customer's 100th order brings the total to 150 only if the restart continued the sum.
            #expect(totals.contains("o-\(297 + customer) 150.0"), "\(totals.suffix(6))")
        }
        let windows = try Self.read("windows", brokers: brokers)
        let counted = windows.compactMap { try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] }
            .compactMap { $0["count"] as? Int }
        #expect(counted.reduce(0, +) == 300 && windows.count == 3 * 5, "\(windows.count) windows, \(counted.reduce(0, +)) orders")
        let dead = try Self.read("dead", brokers: brokers)
        #expect(dead.map(\.value) == [Array("not json".utf8)], "\(dead.count) dead letters")
    }
}
