import ArgumentParser

/// The options every Kafka subcommand shares: `--brokers` and `--request-timeout`.
///
/// ```
/// $ sluice topics list --brokers 127.0.0.1:40123 --request-timeout 3
/// ```
struct KafkaConnectionOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Bootstrap brokers, comma-separated (or SLUICE_KAFKA_BROKERS).", valueName: "host:port[,host:port...]"))
    var brokers: String?

    @Option(help: "Seconds a metadata or offset request may take before the brokers count as unreachable.")
    var requestTimeout = 5.0

    func validate() throws {
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        _ = try brokerList()
    }

    /// The brokers, from `--brokers` or `SLUICE_KAFKA_BROKERS`.
    func brokerList() throws -> [String] {
        let text = brokers ?? ProcessEnvironment.value("SLUICE_KAFKA_BROKERS") ?? ""
        let list = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !list.isEmpty else {
            throw ValidationError("give the brokers with --brokers host:port (or SLUICE_KAFKA_BROKERS)")
        }
        return list
    }

    /// `requestTimeout` as a duration.
    var timeout: Duration { .milliseconds(Int64((requestTimeout * 1000).rounded())) }
}
