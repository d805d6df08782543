import ArgumentParser
import Foundation
import Logging
import SluiceKafka

/// `sluice dev-broker`: an in-process Kafka (librdkafka's mock cluster) for
/// development, demos and tests on machines without Docker.
///
/// ```
/// $ sluice dev-broker --topic lines:4 --topic counts:4
/// bootstrap=127.0.0.1:40123
/// ```
///
/// The first line of standard output is always `bootstrap=HOST:PORT[,…]`;
/// the broker runs until SIGINT or SIGTERM and then exits with status 0.
/// With `--port N` the bootstrap address is the fixed `127.0.0.1:N`.
struct DevBroker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Runs an in-process Kafka broker for development.",
        discussion: """
            Prints `bootstrap=HOST:PORT[,HOST:PORT...]` as the first line of standard output, \
            then serves until SIGINT or SIGTERM. With --port N, clients bootstrap at the fixed \
            address 127.0.0.1:N (forwarded to the first broker; the metadata then names each \
            broker's own port on 127.0.0.1, so clients must run on this host). It keeps at most about 5 MiB per partition \
            and drops older data; a warning on standard error names each partition that did.
            """
    )

    @Option(help: "How many brokers (ids 1...N).")
    var brokers = 1

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp("A topic to create, e.g. lines:4 (repeat for several).", valueName: "name:partitions"),
        transform: TopicSpec.parse)
    var topics: [TopicSpec] = []

    @Option(help: "A fixed bootstrap port on 127.0.0.1 (default: the broker's own, chosen at random).")
    var port: Int?

    @Option(help: ArgumentHelp("Seconds between checks for dropped data.", visibility: .hidden))
    var checkInterval = 5.0

    func validate() throws {
        guard brokers >= 1 else { throw ValidationError("--brokers must be at least 1, got \(brokers)") }
        guard checkInterval > 0 else { throw ValidationError("--check-interval must be positive") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1 to 65535, got \(port)") }
        let names = topics.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ValidationError("--topic '\(duplicate)' is given more than once")
        }
    }

    func run() throws {
        // Catch the signals before announcing the broker, so a client that
        // stops it right after reading the bootstrap line is never lost.
        let signals = StopSignals()
        // Warnings are ours to print (once per partition), not the logger's.
        let quiet = Logger(label: "sluice.dev-broker") { _ in SwiftLogNoOpLogHandler() }
        let kafka = try EmbeddedKafka(brokers: brokers, logger: quiet)
        for topic in topics {
            try kafka.createTopic(topic.name, partitions: topic.partitions)
        }
        var bootstrap = kafka.bootstrapServers
        if let port {
            let first = bootstrap.split(separator: ",").first.flatMap { $0.split(separator: ":").last }
            guard let target = first.flatMap({ UInt16($0) }) else {
                throw PortForwarderError(description: "cannot read the broker's port from '\(bootstrap)'")
            }
            try PortForwarder(port: UInt16(port), targetPort: target).start()
            bootstrap = "127.0.0.1:\(port)"
        }
        // Unbuffered, so a parent process reading the pipe sees it at once.
        FileHandle.standardOutput.write(Data("bootstrap=\(bootstrap)\n".utf8))
        var monitor = DroppedDataMonitor(kafka: kafka)
        while !signals.wait(seconds: checkInterval) {
            monitor.check()
        }
    }
}
