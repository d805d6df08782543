import ArgumentParser
import Foundation
import SluiceKafka

/// `sluice topics`: lists, describes and creates Kafka topics.
///
/// ```
/// $ sluice topics create orders --partitions 4 --brokers 127.0.0.1:40123
/// $ sluice topics list --brokers 127.0.0.1:40123
/// orders	4 partitions	12 messages
/// $ sluice topics describe orders --brokers 127.0.0.1:40123
/// ```
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Lists, describes and creates Kafka topics.",
        subcommands: [TopicsCreate.self, TopicsList.self, TopicsDescribe.self]
    )
}

/// `sluice topics create NAME --partitions N`.
struct TopicsCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Creates a topic (an existing one with the same partition count is fine).",
        discussion: """
            The dev broker (librdkafka's mock cluster) cannot create topics over the Kafka \
            protocol: there `create` names the topic, which creates it with the mock's default \
            partition count, and fails unless that is the count asked for. Give \
            `sluice dev-broker --topic NAME:N` for other counts.
            """
    )

    @OptionGroup var connection: KafkaConnectionOptions

    @Argument(help: "The topic name.")
    var name: String

    @Option(help: "The partition count.")
    var partitions = 1

    @Option(help: "Replicas per partition.")
    var replicationFactor = 1

    @Option(
        name: .customLong("config"), help: ArgumentHelp("A topic setting (repeat for several).", valueName: "key=value"))
    var settings: [String] = []

    func validate() throws {
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1, got \(partitions)") }
        guard replicationFactor >= 1 else { throw ValidationError("--replication-factor must be at least 1") }
        guard !name.isEmpty else { throw ValidationError("the topic name is empty") }
        _ = try settingPairs()
    }

    func settingPairs() throws -> [String: String] {
        var pairs: [String: String] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ValidationError("--config expects key=value, got '\(setting)'")
            }
            pairs[String(setting[..<equals])] = String(setting[setting.index(after: equals)...])
        }
        return pairs
    }

    func run() throws {
        let brokers = try connection.brokerList()
        try KafkaAdmin.createTopic(
            name, partitions: partitions, replicationFactor: replicationFactor, brokers: brokers,
            config: try settingPairs(), timeout: connection.timeout)
        let info = try KafkaAdmin.topics(brokers: brokers, only: name, timeout: connection.timeout)
        let count = info.first?.partitions.count ?? 0
        guard count == partitions else {
            throw TopicsCommandError(
                description: "topic '\(name)' exists with \(count) partitions, not \(partitions)")
        }
        print("created \(name) (\(count) partition\(count == 1 ? "" : "s"))")
    }
}

/// `sluice topics list`.
struct TopicsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Lists the topics: name, partitions, messages held (high minus low offsets).")

    @OptionGroup var connection: KafkaConnectionOptions

    func run() throws {
        for topic in try KafkaAdmin.topics(brokers: try connection.brokerList(), timeout: connection.timeout) {
            let held = topic.partitions.reduce(Int64(0)) { $0 + $1.high - $1.low }
            let count = topic.partitions.count
            print("\(topic.name)\t\(count) partition\(count == 1 ? "" : "s")\t\(held) message\(held == 1 ? "" : "s")")
        }
    }
}

/// `sluice topics describe NAME`.
struct TopicsDescribe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Shows a topic's partitions: leader, low and high offsets.")

    @OptionGroup var connection: KafkaConnectionOptions

    @Argument(help: "The topic name.")
    var name: String

    func run() throws {
        let topics = try KafkaAdmin.topics(brokers: try connection.brokerList(), only: name, timeout: connection.timeout)
        for topic in topics {
            print("topic \(topic.name): \(topic.partitions.count) partitions")
            for partition in topic.partitions {
                print("  partition \(partition.id)\tleader \(partition.leader)\tlow \(partition.low)\thigh \(partition.high)")
            }
        }
    }
}

/// A `sluice topics` failure the Kafka library does not describe.
struct TopicsCommandError: Error, CustomStringConvertible {
    let description: String
}
