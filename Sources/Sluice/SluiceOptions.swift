import ArgumentParser
import Foundation
import SluiceEngine
import SluiceRecovery

/// Sluice's command-line options, reusable in an application's own command
/// through `@OptionGroup`; each option also reads a `SLUICE_…` environment
/// variable when the flag is absent (a flag wins over its variable).
/// `run(_:)` honours every one of them: workers, epochs, recovery,
/// a cluster (`-i/-a`, `--processes`) and the signals.
///
/// ```swift
/// struct MyJob: ParsableCommand {
///     @OptionGroup var sluice: SluiceOptions
///     @Option var brokers = "localhost:19092"
///     func run() throws {
///         try sluice.run(makeFlow(brokers: brokers))
///     }
/// }
/// ```
public struct SluiceOptions: ParsableArguments {
    /// Worker threads in this process (`-w`, `--workers-per-process`,
    /// `SLUICE_WORKERS_PER_PROCESS`), 1 to `RunConfiguration.maxWorkers`
    /// (1,024). Default 1.
    @Option(
        name: [.customShort("w"), .customLong("workers-per-process")],
        help: "Worker threads in this process, 1 to 1024 (env SLUICE_WORKERS_PER_PROCESS; default 1).")
    public var workersPerProcess: Int?

    /// Epoch length in seconds (`--epoch-interval`, `SLUICE_EPOCH_INTERVAL`),
    /// from 0.001 to 1,000,000,000, rounded to milliseconds. Default 10.
    @Option(
        name: .customLong("epoch-interval"),
        help: "Epoch length in seconds, at least 0.001 (env SLUICE_EPOCH_INTERVAL; default 10).")
    public var epochInterval: Double?

    /// The recovery directory (`-r`, `--recovery-directory`,
    /// `SLUICE_RECOVERY_DIRECTORY`): snapshots go there every epoch and a
    /// restarted run resumes from them. In a cluster each process keeps its
    /// own store in `DIR/process-<id>` on its own disk. Default: none (no recovery).
    @Option(
        name: [.customShort("r"), .customLong("recovery-directory")],
        help: "Recovery directory: snapshot every epoch and resume from it; in a cluster DIR/process-<id> (env SLUICE_RECOVERY_DIRECTORY).")
    public var recoveryDirectory: String?

    /// Seconds between snapshots (`-s`, `--snapshot-interval`,
    /// `SLUICE_SNAPSHOT_INTERVAL`), rounded to whole epochs. Default: every epoch.
    @Option(
        name: [.customShort("s"), .customLong("snapshot-interval")],
        help: "Seconds between snapshots, rounded to whole epochs (env SLUICE_SNAPSHOT_INTERVAL; default every epoch).")
    public var snapshotInterval: Double?

    /// How long superseded snapshot data is kept behind the committed epoch
    /// before it is deleted, in seconds (`-b`, `--backup-interval`,
    /// `SLUICE_BACKUP_INTERVAL`), rounded up to whole epochs. Default 0, as
    /// in Bytewax: keep only what resuming from the committed epoch needs.
    /// Set it to at least how far copies of the partition files (a backup
    /// made file by file) can lag behind one another.
    @Option(
        name: [.customShort("b"), .customLong("backup-interval")],
        help: "Seconds superseded snapshots are kept behind the committed epoch, rounded up to whole epochs (env SLUICE_BACKUP_INTERVAL; default 0).")
    public var backupInterval: Double?

    /// Where the recovery store is backed up (`--backup-url s3://bucket/prefix`,
    /// `SLUICE_BACKUP_URL`): committed snapshots are uploaded incrementally,
    /// at most every backup interval, and a missing or empty recovery
    /// directory is restored from it at start. Endpoint, region and
    /// credentials come from the AWS environment variables. See
    /// `SluiceOptions+Backup.swift` and docs/backup.md. Default: no backup.
    @Option(
        name: .customLong("backup-url"),
        help: "Back up the recovery store to s3://bucket/prefix and restore a missing one from it (env SLUICE_BACKUP_URL; AWS_* settings).")
    public var backupURL: String?

    /// This process's id in a cluster (`-i`, `--process-id`,
    /// `SLUICE_PROCESS_ID`): 0 up to the number of addresses minus one, or
    /// `hostname` to take it from a host name ending in `-N` (a Kubernetes
    /// StatefulSet pod `word-count-2` is process 2).
    @Option(
        name: [.customShort("i"), .customLong("process-id")],
        help: "This process's id in the cluster, or 'hostname' for the -N suffix of the host name (env SLUICE_PROCESS_ID).")
    public var processID: String?

    /// Every process's address (`-a`, `--addresses`, `SLUICE_ADDRESSES`):
    /// `host:port` entries separated by `;`, in process-id order. Without
    /// it the run stays in this process.
    @Option(
        name: [.customShort("a"), .customLong("addresses")],
        help: "Every process's host:port, ';'-separated, in process-id order (env SLUICE_ADDRESSES).")
    public var addresses: String?

    /// Starts this many processes of this program on this machine, connected
    /// on 127.0.0.1 (`--processes`): a cluster for laptops and tests.
    @Option(
        name: .customLong("processes"),
        help: "Start this many local processes of this program as one cluster (on 127.0.0.1).")
    public var processes: Int?

    /// How long a process waits at start for every other process, in seconds
    /// (`--cluster-startup-timeout`, `SLUICE_CLUSTER_STARTUP_TIMEOUT`).
    /// Default 30.
    @Option(
        name: .customLong("cluster-startup-timeout"),
        help: "Seconds to wait at start for every other process (env SLUICE_CLUSTER_STARTUP_TIMEOUT; default 30).")
    public var clusterStartupTimeout: Double?

    /// Whether SIGINT/SIGTERM drains the run (`--drain-on-stop`,
    /// `SLUICE_DRAIN_ON_STOP=1`): the sources end and every step flushes what
    /// it holds, instead of suspending (the default with `-r`: open windows
    /// stay in the snapshot for the next run). For retiring a job for good.
    @Flag(
        name: .customLong("drain-on-stop"),
        help: "On SIGINT/SIGTERM end the input and flush every step instead of suspending (env SLUICE_DRAIN_ON_STOP=1).")
    public var drainOnStop = false

    /// Where to serve the monitoring endpoint (`--metrics-address HOST:PORT`,
    /// `SLUICE_METRICS_ADDRESS`): `/metrics` (Prometheus), `/healthz`,
    /// `/readyz`, `/dataflow` and the live dashboard at `/`. Off by default.
    /// Given, it bootstraps swift-metrics with Prometheus unless the program
    /// already bootstrapped a backend (see `MonitoringServer.prometheusRegistry()`).
    /// With `--processes N`, process i listens on PORT + i.
    @Option(
        name: .customLong("metrics-address"),
        help: "Serve /metrics, /healthz, /readyz, /dataflow and a dashboard on HOST:PORT (env SLUICE_METRICS_ADDRESS; default off).")
    public var metricsAddress: String?

    /// Prints the dataflow as a picture and exits without starting anything
    /// (`--print-graph mermaid|dot`): every core step with its kind,
    /// operator scopes as nested subgraphs, the streams as edges.
    @Option(
        name: .customLong("print-graph"),
        help: "Print the dataflow as a 'mermaid' or 'dot' graph and exit without running it.")
    public var printGraph: GraphFormat?

    /// When a finite run (a `tail: false` Kafka source, files) shows a
    /// progress line on standard error: `auto` (when it is a terminal, the
    /// default), `always` or `never` (`--progress`, `SLUICE_PROGRESS`).
    @Option(
        name: .customLong("progress"),
        help: "Progress line of a finite run on stderr: auto (on a terminal), always or never (env SLUICE_PROGRESS).")
    public var progress: ProgressMode?

    /// `--drain-on-stop`, or `SLUICE_DRAIN_ON_STOP` set to `1`/`true`/`yes`.
    /// - Parameter environment: Where `SLUICE_…` variables are read.
    /// - Returns: Whether a stop drains.
    /// - Throws: `DataflowError.invalidConfiguration` for another value of the variable.
    public func drainsOnStop(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Bool {
        if drainOnStop { return true }
        guard let text = environment["SLUICE_DRAIN_ON_STOP"]?.trimmingCharacters(in: .whitespaces).lowercased(),
            !text.isEmpty
        else { return false }
        switch text {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default:
            throw DataflowError.invalidConfiguration("SLUICE_DRAIN_ON_STOP must be 1/true/yes or 0/false/no, got '\(text)'")
        }
    }

    /// Creates the options with nothing set (defaults and environment apply).
    public init() {}

    /// The cluster these options and `environment` describe: nil for a
    /// run in this process alone.
    ///
    /// ```swift
    /// let cluster = try options.cluster()   // from -i/-a or SLUICE_PROCESS_ID/SLUICE_ADDRESSES
    /// try run(flow, configuration: try options.configuration(for: flow), cluster: cluster)
    /// ```
    /// - Parameter environment: Where `SLUICE_…` variables (and `HOSTNAME`) are read.
    /// - Returns: This process's place in the cluster, or nil.
    /// - Throws: `ClusterError` naming the malformed id or address.
    public func cluster(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClusterConfiguration? {
        guard var cluster = try ClusterConfiguration.resolve(processID: processID, addresses: addresses, environment: environment)
        else { return nil }
        if clusterStartupTimeout != nil || environment["SLUICE_CLUSTER_STARTUP_TIMEOUT"] != nil {
            let seconds = try resolve(
                clusterStartupTimeout, flag: "--cluster-startup-timeout", variable: "SLUICE_CLUSTER_STARTUP_TIMEOUT",
                environment: environment, default: 30.0, requirement: "a number of seconds from 1 to 86400"
            ) { (1...86_400).contains($0) }
            cluster.startupTimeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        return cluster
    }

    /// The configuration for `flow`, with its recovery store opened when a
    /// recovery directory is given.
    /// - Parameters:
    ///   - flow: The dataflow (its id guards the recovery directory).
    ///   - environment: Where `SLUICE_…` variables are read.
    /// - Throws: `DataflowError.invalidConfiguration`, or the store's error naming the file.
    public func configuration(
        for flow: Dataflow, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RunConfiguration {
        if let processes, processes > 1 {
            throw DataflowError.invalidConfiguration(
                "--processes \(processes) starts a local cluster, which configuration(for:) alone cannot do: "
                    + "run with SluiceOptions.run(_:) (or call launchLocalProcesses(arguments:) first)")
        }
        var configuration = try baseConfiguration(environment: environment)
        if let directory = recoveryDirectoryValue(environment: environment) {
            let backup = try backupSeconds(environment: environment)
            let backupEpochs = SQLiteRecoveryStore.backupEpochs(
                for: .milliseconds(Int64((backup * 1000).rounded())), epochInterval: configuration.epochInterval)
            // In a cluster each process keeps its own store, DIR/process-<p> (decision 0018); a
            // directory that holds such stores stays a cluster's, also for one process.
            let process = try cluster(environment: environment)?.processID.rawValue
            let members = try SQLiteMemberStore.memberProcesses(in: directory)
            if process != nil || !members.isEmpty {
                // With --backup-url: checks the bucket and uploads the own store; a missing one is not
                // restored automatically (SluiceOptions+Backup.swift).
                let own = SQLiteMemberStore.memberDirectory(directory, process ?? 0)
                let remote = try objectStorageBackup(for: flow, directory: own, environment: environment, restoring: false)
                let member = try SQLiteMemberStore(
                    clusterDirectory: directory, process: process ?? 0, flowID: flow.id, backupEpochs: backupEpochs)
                configuration.recoveryStore =
                    remote.map { $0.uploading(member, interval: backup, epochInterval: configuration.epochInterval) } ?? member
            } else {
                let remote = try objectStorageBackup(for: flow, directory: directory, environment: environment)
                let store = try SQLiteRecoveryStore(directory: directory, flowID: flow.id, backupEpochs: backupEpochs)
                configuration.recoveryStore =
                    remote.map { $0.uploading(store, interval: backup, epochInterval: configuration.epochInterval) } ?? store
            }
        } else if let url = backupURLValue(environment: environment) {
            throw DataflowError.invalidConfiguration("the backup URL '\(url)' needs a recovery directory (-r or SLUICE_RECOVERY_DIRECTORY)")
        }
        return configuration
    }

    /// The recovery directory of `-r` or `SLUICE_RECOVERY_DIRECTORY`, if any.
    private func recoveryDirectoryValue(environment: [String: String]) -> String? {
        recoveryDirectory ?? environment["SLUICE_RECOVERY_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backup interval in seconds (0 when unset).
    private func backupSeconds(environment: [String: String]) throws -> Double {
        try resolve(
            backupInterval, flag: "--backup-interval", variable: "SLUICE_BACKUP_INTERVAL",
            environment: environment, default: 0.0, requirement: "a number of seconds from 0 to 1000000000"
        ) { (0...1_000_000_000).contains($0) }
    }

    /// The run configuration these options and `environment` describe,
    /// for a run without recovery: a recovery directory needs the flow (its
    /// id guards the directory), so with `-r` or `SLUICE_RECOVERY_DIRECTORY`
    /// this throws rather than ignore it; use `configuration(for:)` or `run(_:)`.
    /// - Parameter environment: Where `SLUICE_…` variables are read.
    /// - Returns: The configuration.
    /// - Throws: `DataflowError.invalidConfiguration` naming the bad flag or
    ///   variable, or the recovery directory it cannot open.
    public func configuration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RunConfiguration {
        if let directory = recoveryDirectoryValue(environment: environment) {
            throw DataflowError.invalidConfiguration(
                "the recovery directory '\(directory)' needs the dataflow: use configuration(for: flow) or run(flow)")
        }
        return try baseConfiguration(environment: environment)
    }

    /// Everything but the recovery store.
    private func baseConfiguration(environment: [String: String]) throws -> RunConfiguration {
        var configuration = RunConfiguration()
        configuration.workers = try resolve(
            workersPerProcess, flag: "--workers-per-process", variable: "SLUICE_WORKERS_PER_PROCESS",
            environment: environment, default: 1,
            requirement: "a number from 1 to \(RunConfiguration.maxWorkers) (each worker is a thread; run more processes for more)"
        ) { (1...RunConfiguration.maxWorkers).contains($0) }
        // Bounded so that it neither rounds to zero milliseconds nor overflows Int64.
        let seconds = try resolve(
            epochInterval, flag: "--epoch-interval", variable: "SLUICE_EPOCH_INTERVAL",
            environment: environment, default: 10.0,
            requirement: "a number of seconds from 0.001 to 1000000000"
        ) { (0.001...1_000_000_000).contains($0) }
        configuration.epochInterval = .milliseconds(Int64((seconds * 1000).rounded()))
        if snapshotInterval != nil || environment["SLUICE_SNAPSHOT_INTERVAL"] != nil {
            let snapshotSeconds = try resolve(
                snapshotInterval, flag: "--snapshot-interval", variable: "SLUICE_SNAPSHOT_INTERVAL",
                environment: environment, default: seconds,
                requirement: "a number of seconds from 0.001 to 1000000000"
            ) { (0.001...1_000_000_000).contains($0) }
            configuration.snapshotInterval = .milliseconds(Int64((snapshotSeconds * 1000).rounded()))
        }
        // Checked here too, so a bad value fails even before a store is opened.
        _ = try backupSeconds(environment: environment)
        return configuration
    }

    private func resolve<Value: LosslessStringConvertible>(
        _ flagValue: Value?, flag: String, variable: String, environment: [String: String],
        default defaultValue: Value, requirement: String, isValid: (Value) -> Bool
    ) throws -> Value {
        if let flagValue {
            guard isValid(flagValue) else {
                throw DataflowError.invalidConfiguration("\(flag) must be \(requirement), got \(flagValue)")
            }
            return flagValue
        }
        guard let text = environment[variable] else { return defaultValue }
        guard let parsed = Value(text.trimmingCharacters(in: .whitespaces)), isValid(parsed) else {
            throw DataflowError.invalidConfiguration("\(variable) must be \(requirement), got '\(text)'")
        }
        return parsed
    }
}

/// Runs a dataflow as a command-line program: reads `SluiceOptions` from the
/// arguments and environment, runs, and on failure prints the error to
/// standard error and exits with status 1 (status 64 for bad arguments).
/// With `-i`/`-a` this process joins a cluster; with `--processes N` it
/// starts N copies of itself as a local cluster and exits with their status.
/// SIGINT or SIGTERM stops the run gracefully (with `-r` it suspends: the
/// last epoch is snapshotted and the next run continues; without it the
/// sources end and everything is flushed; in a cluster every process
/// stops); a second signal exits at
/// once with status 128 + its number (130 for SIGINT, 143 for SIGTERM).
///
/// ```swift
/// // main.swift
/// let flow = Dataflow("job")
/// // … build the flow …
/// cliMain(flow)        // e.g. `my-job -w 4`
/// ```
/// - Parameters:
///   - flow: The dataflow.
///   - arguments: The arguments, without the program name.
///   - environment: Where `SLUICE_…` variables are read.
public func cliMain(
    _ flow: Dataflow,
    arguments: [String] = Array(CommandLine.arguments.dropFirst()),
    environment: [String: String] = ProcessInfo.processInfo.environment
) {
    let options = SluiceOptions.parseOrExit(arguments)
    do {
        try options.run(flow, arguments: arguments, environment: environment)
    } catch let status as ExitCode {
        exit(status.rawValue)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
}

