import Foundation
import SluiceTestSupport
#if canImport(Glibc)
    import Glibc
#endif
import SluiceKafka
import SluiceKafkaTesting
import Testing

/// The dev loop without kcat: `sluice topics`, `sluice produce` and `sluice
/// consume`, run as child processes against an embedded broker, and their
/// errors for an unreachable broker, a missing topic and bad input.
@Suite(.onOwnThread) struct KafkaDevLoopCLITests {
    /// Runs `sluice` with `arguments` (and `input` on standard input) and waits for it.
    private func sluice(_ arguments: [String], input: String? = nil) throws -> ChildProcess {
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "sluice"), arguments, input: input.map { Data($0.utf8) })
        _ = try child.waitForExit(timeout: .seconds(30))
        return child
    }

    private func exit(_ child: ChildProcess) throws -> ChildProcess.Exit { try child.waitForExit() }

    @Test func topicsListAndDescribeShowPartitionsAndOffsets() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("orders", partitions: 3)
        try kafka.createTopic("lines", partitions: 1)
        try KafkaTestTopics(brokers: [kafka.bootstrapServers]).produce(
            [KafkaSinkMessage(key: nil, value: "a", partition: 2), KafkaSinkMessage(key: nil, value: "b", partition: 2)],
            to: "orders")
        let list = try sluice(["topics", "list", "--brokers", kafka.bootstrapServers])
        #expect(try exit(list) == .init(exited: true, status: 0), "\(list.stderr)")
        #expect(list.stdout.split(separator: "\n").map(String.init) == [
            "lines\t1 partition\t0 messages", "orders\t3 partitions\t2 messages",
        ])
        let describe = try sluice(["topics", "describe", "orders", "--brokers", kafka.bootstrapServers])
        #expect(try exit(describe) == .init(exited: true, status: 0), "\(describe.stderr)")
        let lines = describe.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "topic orders: 3 partitions")
        #expect(lines.count == 4)
        #expect(lines.last?.hasPrefix("  partition 2\t") == true && lines.last?.hasSuffix("low 0\thigh 2") == true, "\(lines)")
    }

    /// The embedded broker creates a topic with its default count (4) when one
    /// is named; another count is an error saying how to get it.
    @Test func topicsCreateOnTheEmbeddedBroker() throws {
        let kafka = try EmbeddedKafka()
        let created = try sluice(["topics", "create", "events", "--partitions", "4", "--brokers", kafka.bootstrapServers])
        #expect(try exit(created) == .init(exited: true, status: 0), "\(created.stderr)")
        #expect(created.stdout == "created events (4 partitions)\n")
        #expect(try KafkaAdmin.partitions(of: "events", brokers: [kafka.bootstrapServers]).count == 4)
        let again = try sluice(["topics", "create", "events", "--partitions", "4", "--brokers", kafka.bootstrapServers])
        #expect(try exit(again) == .init(exited: true, status: 0), "an existing topic is fine: \(again.stderr)")

        let other = try sluice(["topics", "create", "three", "--partitions", "3", "--brokers", kafka.bootstrapServers])
        #expect(try exit(other) == .init(exited: true, status: 1))
        #expect(other.stderr.contains("not 3"), "\(other.stderr)")
        #expect(other.stderr.contains("sluice dev-broker --topic three:3"), "\(other.stderr)")
    }

    @Test func producedLinesWithKeysAndHeadersAreConsumedBack() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("orders", partitions: 1)
        let produce = try sluice(
            ["produce", "orders", "--key-separator", ":", "--header", "source=cli", "--brokers", kafka.bootstrapServers],
            input: "c-1:{\"amount\":3}\nc-2:{\"amount\":5}\n")
        #expect(try exit(produce) == .init(exited: true, status: 0), "\(produce.stderr)")
        #expect(produce.stderr.contains("produced 2 messages to orders"))

        let consume = try sluice(["consume", "orders", "--brokers", kafka.bootstrapServers])
        #expect(try exit(consume) == .init(exited: true, status: 0), "\(consume.stderr)")
        #expect(consume.stdout.split(separator: "\n").map(String.init) == [
            #"0@0 key=c-1 [source=cli] value={"amount":3}"#, #"0@1 key=c-2 [source=cli] value={"amount":5}"#,
        ])

        let messages = try KafkaTestTopics(brokers: [kafka.bootstrapServers]).readAll("orders")
        #expect(messages.map { String(decoding: $0.key ?? [], as: UTF8.self) } == ["c-1", "c-2"])
        #expect(messages.allSatisfy { $0.headers == [KafkaHeader(key: "source", value: Array("cli".utf8))] })
    }

    @Test func jsonInputFromAFileAndJSONOutput() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("events", partitions: 2)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-produce-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(
            """
            {"key": "k1", "value": "plain text", "headers": {"trace": "t-1"}, "partition": 1}
            {"value": {"nested": [1, 2]}, "partition": 0}

            """.utf8
        ).write(to: file)
        let produce = try sluice(["produce", "events", "--json", "--file", file.path, "--brokers", kafka.bootstrapServers])
        #expect(try exit(produce) == .init(exited: true, status: 0), "\(produce.stderr)")

        let consume = try sluice(["consume", "events", "--json", "--brokers", kafka.bootstrapServers])
        #expect(try exit(consume) == .init(exited: true, status: 0), "\(consume.stderr)")
        let objects = try consume.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }.sorted { ($0["partition"] as? Int ?? -1) < ($1["partition"] as? Int ?? -1) }
        #expect(objects.count == 2)
        #expect(objects.first?["value"] as? String == #"{"nested":[1,2]}"#)
        #expect(objects.first?["key"] is NSNull)
        #expect(objects.last?["key"] as? String == "k1" && objects.last?["value"] as? String == "plain text")
        #expect(objects.last?["topic"] as? String == "events" && objects.last?["offset"] as? Int == 0)
        let headers = objects.last?["headers"] as? [[String: Any]]
        #expect(headers?.first?["name"] as? String == "trace" && headers?.first?["value"] as? String == "t-1")
        #expect(objects.last?["timestamp"] is Int)
    }

    @Test func consumeFromTheEndWaitsForNewMessagesUpToMax() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("live", partitions: 2)
        let topics = KafkaTestTopics(brokers: [kafka.bootstrapServers])
        try topics.produce(values: ["old"], to: "live")
        let consumer = try ChildProcess(
            try BuiltExecutable.url(named: "sluice"),
            ["consume", "live", "--from-end", "--max", "2", "--timeout", "60", "--brokers", kafka.bootstrapServers])
        // Produce until the consumer has seen two (it may start after the first new ones).
        var sent = 0
        while !consumer.hasExited && sent < 200 {
            try topics.produce(values: ["new \(sent)"], to: "live")
            sent += 1
            try? consumer.waitFor("two messages", timeout: .milliseconds(200)) { stdout, _ in
                stdout.split(separator: "\n").count >= 2
            }
        }
        #expect(try consumer.waitForExit() == .init(exited: true, status: 0), "\(consumer.stderr)")
        let lines = consumer.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("value=new ") }, "\(lines)")
    }

    @Test func fewerThanMaxWithinTheTimeoutIsAnError() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("quiet", partitions: 1)
        let consume = try sluice(
            ["consume", "quiet", "--follow", "--max", "1", "--timeout", "1", "--brokers", kafka.bootstrapServers])
        #expect(try exit(consume) == .init(exited: true, status: 1))
        #expect(consume.stderr.contains("read 0 of 1 messages from 'quiet' within 1.0 s"), "\(consume.stderr)")
    }

    @Test(arguments: [
        ["topics", "list"], ["consume", "orders"], ["produce", "orders"], ["topics", "describe", "orders"],
        ["topics", "create", "orders", "--partitions", "2"],
    ])
    func anUnreachableBrokerIsAClearErrorWithinSeconds(command: [String]) throws {
        let start = ContinuousClock.now
        let child = try sluice(command + ["--brokers", "127.0.0.1:1", "--request-timeout", "2"], input: "x\n")
        #expect(try exit(child) == .init(exited: true, status: 1))
        #expect(child.stderr.contains("cannot reach Kafka brokers 127.0.0.1:1"), "\(child.stderr)")
        #expect(ContinuousClock.now - start < .seconds(25), "a bound, not a timing test: it must not hang")
    }

    @Test(arguments: [["consume", "missing"], ["produce", "missing"], ["topics", "describe", "missing"]])
    func aMissingTopicIsAClearError(command: [String]) throws {
        let kafka = try EmbeddedKafka()
        let child = try sluice(command + ["--brokers", kafka.bootstrapServers], input: "x\n")
        #expect(try exit(child) == .init(exited: true, status: 1))
        #expect(child.stderr.contains("Kafka topic 'missing' does not exist"), "\(child.stderr)")
    }

    @Test func badInputNamesTheLineAndProducesNothing() throws {
        let kafka = try EmbeddedKafka()
        try kafka.createTopic("orders", partitions: 1)
        let noSeparator = try sluice(
            ["produce", "orders", "--key-separator", ":", "--brokers", kafka.bootstrapServers], input: "a:1\nno key\n")
        #expect(try exit(noSeparator) == .init(exited: true, status: 1))
        #expect(noSeparator.stderr.contains("standard input line 2 has no key separator ':'"), "\(noSeparator.stderr)")
        let badJSON = try sluice(["produce", "orders", "--json", "--brokers", kafka.bootstrapServers], input: "{\"value\": 1}\n{oops\n")
        #expect(try exit(badJSON) == .init(exited: true, status: 1))
        #expect(badJSON.stderr.contains("standard input line 2 is not JSON"), "\(badJSON.stderr)")
        #expect(try KafkaTestTopics(brokers: [kafka.bootstrapServers]).readAll("orders").isEmpty)
    }

    @Test func missingBrokersIsAUsageError() throws {
        let child = try sluice(["topics", "list"])
        #expect(try exit(child) == .init(exited: true, status: 64))
        #expect(child.stderr.contains("--brokers"), "\(child.stderr)")
    }

    /// A port nobody listens on now (the kernel's pick, released again).
    private func freePort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(probe, pointer, length) == 0 && getsockname(probe, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func devBrokerServesAFixedPortThatTheCommandsUse() throws {
        let port = try freePort()
        let broker = try ChildProcess(
            try BuiltExecutable.url(named: "sluice"), ["dev-broker", "--port", "\(port)", "--topic", "fixed:2"])
        #expect(try broker.firstLine() == "bootstrap=127.0.0.1:\(port)")
        let address = "127.0.0.1:\(port)"
        let produce = try sluice(["produce", "fixed", "--brokers", address], input: "one\ntwo\nthree\n")
        #expect(try exit(produce) == .init(exited: true, status: 0), "\(produce.stderr)")
        let consume = try sluice(["consume", "fixed", "--brokers", address])
        #expect(try exit(consume) == .init(exited: true, status: 0), "\(consume.stderr)")
        #expect(Set(consume.stdout.split(separator: "\n").map { String($0.split(separator: "=").last ?? "") }) == ["one", "two", "three"])

        // A second broker on the same port is refused, naming it.
        let second = try sluice(["dev-broker", "--port", "\(port)"])
        #expect(try exit(second) == .init(exited: true, status: 1))
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "\(second.stderr)")
        broker.send(SIGTERM)
        #expect(try broker.waitForExit() == .init(exited: true, status: 0))
    }
}
