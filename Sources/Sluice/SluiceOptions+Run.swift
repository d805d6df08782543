import ArgumentParser
import Foundation
import SluiceCluster
import SluiceEngine
import SluiceMonitor

extension SluiceOptions {
    /// How these options and `environment` say `flow` runs in this process:
    /// its configuration (workers, epochs, the recovery store of `-r`) and
    /// its place in a cluster (`-i/-a`; nil alone). `--processes` is not part
    /// of it: `run(_:)` handles it first (see `launchLocalProcesses`).
    ///
    /// ```swift
    /// let (configuration, cluster) = try sluice.settings(for: flow)
    /// print(configuration.workers, cluster?.processID as Any)
    /// ```
    /// - Parameters:
    ///   - flow: The dataflow (its id guards the recovery directory).
    ///   - environment: Where `SLUICE_…` variables (and `HOSTNAME`) are read.
    /// - Returns: The run configuration and the cluster, if any.
    /// - Throws: `DataflowError.invalidConfiguration` or `ClusterError` naming
    ///   the bad flag or variable; the store's error naming the file.
    public func settings(
        for flow: Dataflow, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (configuration: RunConfiguration, cluster: ClusterConfiguration?) {
        let cluster = try cluster(environment: environment)
        return (try configuration(for: flow, environment: environment), cluster)
    }

    /// Runs `flow` as these options say, every one of them honoured: with
    /// `--processes N` it starts N copies of this program as a local cluster
    /// and waits for them; otherwise it runs this process's part (`-w`,
    /// `--epoch-interval`, `-r/-s/-b`, `-i/-a`, `--cluster-startup-timeout`
    /// and their `SLUICE_…` forms). SIGINT or SIGTERM stops the run
    /// gracefully (with `-r` it suspends, unless `--drain-on-stop`; in a
    /// cluster every process stops); `--metrics-address` serves the
    /// monitoring endpoint while it runs; `--print-graph` only prints the flow;
    /// a second signal exits at once. For an application's own
    /// `ParsableCommand` that embeds the options with `@OptionGroup`.
    ///
    /// ```swift
    /// struct MyJob: ParsableCommand {
    ///     @OptionGroup var sluice: SluiceOptions
    ///     @Option var input: String
    ///     func run() throws {
    ///         try sluice.run(makeFlow(input: input))
    ///     }
    /// }
    /// ```
    /// - Parameters:
    ///   - flow: The dataflow.
    ///   - arguments: This program's arguments without its name (copies
    ///     started by `--processes` get them again).
    ///   - environment: Where `SLUICE_…` variables are read.
    /// - Throws: The run's error; bad options as `DataflowError` or
    ///   `ClusterError` naming them; `ExitCode` with the status of the first
    ///   failing copy of a local cluster (swift-argument-parser exits with it).
    public func run(
        _ flow: Dataflow, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        if printGraphIfRequested(flow) { return }
        if let status = try launchLocalProcesses(arguments: arguments, environment: environment) {
            if status != 0 { throw ExitCode(status) }
            return
        }
        // The endpoint answers from before the store is opened until the run returns.
        let monitor = try monitoringServer(for: flow, environment: environment)
        try monitor?.start()
        if let monitor { announce(monitor) }
        defer { monitor?.stop() }
        do {
            var (configuration, cluster) = try settings(for: flow, environment: environment)
            defer { Self.finishBackup(of: configuration) }
            configuration.status = monitor?.status
            let draining = try drainsOnStop(environment: environment)
            guard try ProgressMode.resolve(flag: progress, environment: environment).shows(stderrIsTerminal: isatty(2) == 1)
            else {
                return try runStoppingOnSignals(flow, configuration: configuration, cluster: cluster, draining: draining)
            }
            let measured = RunProgress()
            configuration.progress = measured
            let line = ProgressLine(progress: measured)
            line.start()
            defer { line.stop() }
            try runStoppingOnSignals(flow, configuration: configuration, cluster: cluster, draining: draining)
        } catch {
            monitor?.status.fail("\(error)")
            throw error
        }
    }
}
