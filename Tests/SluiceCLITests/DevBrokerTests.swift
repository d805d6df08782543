import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// `sluice dev-broker`, run as a child process of the test.
@Suite(.onOwnThread) struct DevBrokerTests {
    /// Starts `sluice dev-broker` and returns it with its bootstrap servers.
    private func startBroker(_ arguments: [String]) throws -> (ChildProcess, [String]) {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["dev-broker"] + arguments)
        let line = try child.firstLine()
        try #require(line.hasPrefix("bootstrap="), "first line: \(line.debugDescription)")
        let servers = line.dropFirst("bootstrap=".count).split(separator: ",").map(String.init)
        return (child, servers)
    }

    @Test func servesCreatedTopicsUntilSIGTERM() throws {
        let (broker, brokers) = try startBroker(["--topic", "words:3", "--topic", "other:1"])
        #expect(brokers.count == 1)
        #expect(try KafkaAdmin.partitions(of: "words", brokers: brokers).sorted() == [0, 1, 2])
        #expect(try KafkaAdmin.partitions(of: "other", brokers: brokers) == [0])

        let sent = (0..<200).map { "message \($0)" }
        let produce = Dataflow("produce")
        produce.input("items", TestingSource(sent, batchSize: 50))
            .map("encode") { KafkaSinkMessage(key: $0, value: $0) }
            .output("kafka", KafkaSink(brokers: brokers, topic: "words"))
        try run(produce, workers: 1)

        let read = Dataflow("read")
        let sink = TestingSink<String>()
        read.input("kafka", KafkaSource(brokers: brokers, topics: ["words"], tail: false))
            .map("text") { String(decoding: $0.value, as: UTF8.self) }
            .output("out", sink)
        try run(read, workers: 2)
        #expect(sink.items.sorted() == sent.sorted())

        broker.send(SIGTERM)
        #expect(try broker.waitForExit() == .init(exited: true, status: 0))
        #expect(!broker.stderr.contains("warning"), "stderr: \(broker.stderr)")
    }

    @Test func stopsOnSIGINT() throws {
        let (broker, _) = try startBroker([])
        broker.send(SIGINT)
        #expect(try broker.waitForExit() == .init(exited: true, status: 0))
    }

    @Test func listsEveryBroker() throws {
        let (broker, brokers) = try startBroker(["--brokers", "3", "--topic", "t:2"])
        #expect(brokers.count == 3)
        #expect(Set(brokers).count == 3)
        for server in brokers {
            #expect(server.hasPrefix("127.0.0.1:"), "\(server)")
            #expect(try KafkaAdmin.partitions(of: "t", brokers: [server]).sorted() == [0, 1])
        }
        broker.send(SIGTERM)
        #expect(try broker.waitForExit() == .init(exited: true, status: 0))
    }

    @Test(arguments: ["lines", "lines:0", "lines:-1", "lines:four", ":3", "lines:"])
    func malformedTopicIsAUsageError(argument: String) throws {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["dev-broker", "--topic", argument])
        #expect(try child.waitForExit() == .init(exited: true, status: 64))
        #expect(child.stderr.contains("--topic"), "stderr: \(child.stderr)")
        #expect(child.stderr.contains("'\(argument)'"), "stderr: \(child.stderr)")
        #expect(!child.stdout.contains("bootstrap="))
    }

    @Test func nonPositiveBrokerCountIsAUsageError() throws {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["dev-broker", "--brokers", "0"])
        #expect(try child.waitForExit() == .init(exited: true, status: 64))
        #expect(child.stderr.contains("--brokers"), "stderr: \(child.stderr)")
    }

    /// The mock cluster keeps about 5 MiB per partition: filling a partition
    /// past that drops its oldest data, which the broker reports once.
    @Test func warnsOnceForEachPartitionThatDroppedData() throws {
        let (broker, brokers) = try startBroker(["--topic", "big:2", "--check-interval", "0.1"])
        func fill(partition: Int32) throws {
            // Ten incompressible 600 KB messages: 6 MB, over the 5 MiB limit.
            var generator = SystemRandomNumberGenerator()
            let values = (0..<10).map { _ in
                [UInt64](unsafeUninitializedCapacity: 75_000) { words, count in
                    for index in 0..<75_000 { words.initializeElement(at: index, to: generator.next()) }
                    count = 75_000
                }.withUnsafeBytes { Array($0) }
            }
            let produce = Dataflow("fill")
            produce.input("values", TestingSource(values))
                .map("encode") { KafkaSinkMessage(key: nil, value: $0, partition: partition) }
                .output("kafka", KafkaSink(brokers: brokers, topic: "big", config: ["compression.type": "none"]))
            try run(produce, workers: 1)
        }
        func warnings(for partition: Int) -> Int {
            broker.stderr.components(separatedBy: "topic 'big' partition \(partition) dropped").count - 1
        }

        try fill(partition: 0)
        try broker.waitFor("a warning for partition 0") { _, _ in warnings(for: 0) > 0 }
        // A later check sees partition 0 still truncated; it must not warn again.
        try fill(partition: 1)
        try broker.waitFor("a warning for partition 1") { _, _ in warnings(for: 1) > 0 }
        #expect(warnings(for: 0) == 1, "stderr: \(broker.stderr)")
        #expect(warnings(for: 1) == 1, "stderr: \(broker.stderr)")

        broker.send(SIGTERM)
        #expect(try broker.waitForExit() == .init(exited: true, status: 0))
    }
}
