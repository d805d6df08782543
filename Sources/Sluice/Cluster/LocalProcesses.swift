import Foundation
import SluiceEngine
import SluiceMonitor

/// Starts a program several times on this machine as one cluster: each copy
/// gets the same arguments plus `-i N -a <addresses>` on free 127.0.0.1
/// ports. Standard output and error are shared; SIGINT and SIGTERM are
/// passed on. Returns when every copy exited.
///
/// ```swift
/// let status = try LocalProcesses.run(count: 3, arguments: ["--input", "lines.txt"])
/// exit(status)
/// ```
package enum LocalProcesses {
    /// - Parameters:
    ///   - count: Processes to start (at least 2).
    ///   - arguments: The arguments for every copy, without `--processes`.
    ///   - executable: The program; by default this one.
    ///   - childEnvironment: Variables set for copy i (e.g. its own metrics address).
    /// - Returns: 0 if every copy succeeded, else the first failing copy's status.
    /// - Throws: When the copies cannot be started.
    package static func run(
        count: Int, arguments: [String], executable: URL = currentExecutable(),
        childEnvironment: (Int) -> [String: String] = { _ in [:] }
    ) throws -> Int32 {
        let ports = try LoopbackPorts.free(count)
        let addresses = ports.map { "127.0.0.1:\($0)" }.joined(separator: ";")
        var children: [Process] = []
        for index in 0..<count {
            let child = Process()
            child.executableURL = executable
            child.arguments = arguments + ["-i", "\(index)", "-a", addresses]
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "SLUICE_PROCESS_ID")
            environment.removeValue(forKey: "SLUICE_ADDRESSES")
            environment.merge(childEnvironment(index)) { _, new in new }
            child.environment = environment
            do {
                try child.run()
            } catch {
                for started in children { started.terminate() }
                throw DataflowError.invalidConfiguration("cannot start process \(index) (\(executable.path)): \(error)")
            }
            children.append(child)
        }
        let forwarding = catchSignals { [children] number in
            for child in children where child.isRunning { kill(child.processIdentifier, number) }
        }
        defer { forwarding.forEach { $0.cancel() } }
        var status: Int32 = 0
        for (index, child) in children.enumerated() {
            child.waitUntilExit()
            let code = child.terminationReason == .uncaughtSignal ? 128 + child.terminationStatus : child.terminationStatus
            if code != 0 {
                FileHandle.standardError.write(Data("sluice: process \(index) exited with status \(code)\n".utf8))
                if status == 0 { status = code }
            }
        }
        return status
    }

    /// This program's executable file.
    package static func currentExecutable() -> URL {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// `arguments` without `--processes N` / `--processes=N`.
    package static func removingProcessesOption(_ arguments: [String]) -> [String] {
        removingOption("--processes", from: arguments)
    }

    /// `arguments` without `option VALUE` / `option=VALUE`.
    package static func removingOption(_ option: String, from arguments: [String]) -> [String] {
        var result: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext {
                skipNext = false
            } else if argument == option {
                skipNext = true
            } else if !argument.hasPrefix(option + "=") {
                result.append(argument)
            }
        }
        return result
    }
}

extension SluiceOptions {
    /// The most copies `--processes` starts on one machine (64).
    public static let maxLocalProcesses = 64

    /// With `--processes N` (N > 1), starts N copies of this program as one
    /// local cluster, waits for them and returns the exit status to use;
    /// returns nil when no local cluster was asked for (run normally).
    ///
    /// ```swift
    /// if let status = try sluice.launchLocalProcesses(arguments: Array(CommandLine.arguments.dropFirst())) {
    ///     exit(status)
    /// }
    /// ```
    /// - Parameters:
    ///   - arguments: This program's arguments (without its name).
    ///   - environment: Checked for `SLUICE_ADDRESSES`, which `--processes` must not be combined with.
    /// - Throws: `DataflowError.invalidConfiguration` for `--processes` outside
    ///   1…``maxLocalProcesses`` or together with `-i`/`-a`; when a copy cannot be started.
    public func launchLocalProcesses(
        arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Int32? {
        guard let processes else { return nil }
        guard (1...Self.maxLocalProcesses).contains(processes) else {
            throw DataflowError.invalidConfiguration(
                "--processes must be from 1 to \(Self.maxLocalProcesses) (copies on this machine), got \(processes)")
        }
        if processID != nil || addresses != nil || environment["SLUICE_ADDRESSES"].map({ !$0.isEmpty }) == true {
            throw DataflowError.invalidConfiguration(
                "--processes starts a local cluster and picks the addresses itself: drop -i/-a (and SLUICE_ADDRESSES)")
        }
        guard processes > 1 else { return nil }
        // Each copy serves its own monitoring endpoint: copy i on PORT + i (port 0: each a free port).
        let monitor = try monitorAddress(environment: environment)
        if let monitor, monitor.port != 0, monitor.port + processes - 1 > 65_535 {
            throw MonitorError.malformedAddress(
                monitor.description, reason: "--processes \(processes) needs ports up to \(monitor.port + processes - 1)")
        }
        let arguments = LocalProcesses.removingOption(
            "--metrics-address", from: LocalProcesses.removingProcessesOption(arguments))
        return try LocalProcesses.run(count: processes, arguments: arguments) { index in
            guard let monitor else { return [:] }
            let port = monitor.port == 0 ? 0 : monitor.port + index
            return ["SLUICE_METRICS_ADDRESS": MonitorAddress(host: monitor.host, port: port).description]
        }
    }
}
