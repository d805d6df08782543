import Foundation
import Synchronization

/// Standard output and error of a child, appended by reader threads.
private final class CollectedOutput: Sendable {
    let streams = Mutex<(stdout: Data, stderr: Data)>((Data(), Data()))
    /// Signalled after every chunk read.
    let changed = DispatchSemaphore(value: 0)
    /// Signalled once per stream when it reaches its end.
    let drained = DispatchSemaphore(value: 0)

    /// Reads `handle` to its end on a thread of its own.
    func collect(_ handle: FileHandle, isStandardError: Bool) {
        let thread = Thread { [self] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                streams.withLock { isStandardError ? $0.stderr.append(chunk) : $0.stdout.append(chunk) }
                changed.signal()
            }
            drained.signal()
        }
        thread.start()
    }
}

/// A child process whose standard output and error are collected as they
/// come, with bounded waits for output and for its exit. Released while
/// still running, it is killed (SIGKILL), so a failing test leaves nothing
/// behind.
///
/// ```swift
/// let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["--version"])
/// #expect(try child.waitForExit() == ChildProcess.Exit(exited: true, status: 0))
/// ```
package final class ChildProcess {
    /// A bounded wait ran out; carries the output so far.
    package struct TimedOut: Error, CustomStringConvertible {
        package let what: String
        package let stdout: String
        package let stderr: String
        package var description: String { "timed out waiting for \(what); stdout: \(stdout.debugDescription), stderr: \(stderr.debugDescription)" }
    }

    /// How a child process ended.
    package struct Exit: Equatable, CustomStringConvertible {
        /// True if it exited (false if a signal ended it).
        package let exited: Bool
        /// The exit status, or the signal number.
        package let status: Int32
        /// Creates an exit description.
        package init(exited: Bool, status: Int32) {
            self.exited = exited
            self.status = status
        }
        package var description: String { exited ? "exit status \(status)" : "killed by signal \(status)" }
    }

    private let process: Process
    private let output = CollectedOutput()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments`; `input`, when given, is written
    /// to its standard input, which is then closed (otherwise it reads nothing).
    package init(_ executable: URL, _ arguments: [String], input: Data? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        self.process = process
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if let stdin, let input {
            // On its own thread: a large input must not block the test while the child starts.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        output.collect(stdout.fileHandleForReading, isStandardError: false)
        output.collect(stderr.fileHandleForReading, isStandardError: true)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything written to standard output so far.
    package var stdout: String { String(decoding: output.streams.withLock { $0.stdout }, as: UTF8.self) }
    /// Everything written to standard error so far.
    package var stderr: String { String(decoding: output.streams.withLock { $0.stderr }, as: UTF8.self) }

    /// Waits until `condition` holds for the output, failing after `timeout`.
    package func waitFor(
        _ what: String, timeout: Duration = .seconds(30), _ condition: (_ stdout: String, _ stderr: String) -> Bool
    ) throws {
        let deadline = DispatchTime.after(timeout)
        while !condition(stdout, stderr) {
            guard output.changed.wait(timeout: deadline) == .success else {
                if condition(stdout, stderr) { return }
                throw TimedOut(what: what, stdout: stdout, stderr: stderr)
            }
        }
    }

    /// The first line of standard output, waiting for it up to `timeout`.
    package func firstLine(timeout: Duration = .seconds(30)) throws -> String {
        try waitFor("the first line of standard output", timeout: timeout) { stdout, _ in stdout.contains("\n") }
        return String(stdout.prefix { $0 != "\n" })
    }

    /// The child's process id (e.g. to read `/proc/<pid>/status`).
    package var processIdentifier: Int32 { process.processIdentifier }

    /// Sends a signal.
    package func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// True once the process has ended (never blocks).
    package var hasExited: Bool {
        guard exited.wait(timeout: .now()) == .success else { return false }
        exited.signal()  // keep the token for `waitForExit`
        return true
    }

    /// Waits for the process to end, failing (and killing it) after `timeout`.
    package func waitForExit(timeout: Duration = .seconds(30)) throws -> Exit {
        guard exited.wait(timeout: .after(timeout)) == .success else {
            kill(process.processIdentifier, SIGKILL)
            throw TimedOut(what: "the process to exit", stdout: stdout, stderr: stderr)
        }
        exited.signal()
        // The process is gone, but its last output may still be in the pipes:
        // wait (bounded) until both readers have reached the end.
        for _ in 0..<2 {
            guard output.drained.wait(timeout: .after(timeout)) == .success else {
                throw TimedOut(what: "the end of the process's output", stdout: stdout, stderr: stderr)
            }
        }
        output.drained.signal()
        output.drained.signal()
        return Exit(exited: process.terminationReason == .exit, status: process.terminationStatus)
    }
}
