import ArgumentParser

/// `sluice`: tools around Sluice dataflows. Each subcommand lives in its own
/// file; `recovery init/inspect` and `graph` will join `dev-broker` here.
@main
struct SluiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Tools for Sluice dataflows.",
        version: sluiceVersion,
        subcommands: [DevBroker.self]
    )
}
