import ArgumentParser

/// `sluice`: tools around Sluice dataflows. Each subcommand lives in its own
/// file: `dev-broker` and `recovery` (init, inspect, check); `graph` will join them.
@main
struct SluiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Tools for Sluice dataflows.",
        version: sluiceVersion,
        subcommands: [DevBroker.self, RecoveryCommand.self]
    )
}
