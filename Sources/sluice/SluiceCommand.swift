import ArgumentParser

/// `sluice`: tools around Sluice dataflows. Each subcommand lives in its own
/// file: `dev-broker`, `topics`, `produce`, `consume` and `recovery` (init, inspect, check).
@main
struct SluiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Tools for Sluice dataflows.",
        version: sluiceVersion,
        subcommands: [DevBroker.self, TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, RecoveryCommand.self]
    )
}
