import Foundation
import Logging

/// Runs a dataflow graph on `configuration.workers` threads of this process and
/// returns when every stream has ended, or throws the first failure (after
/// every worker has stopped). It never returns while a worker still runs.
package enum Execution {
    package static func run(_ graph: DataflowGraph, configuration: RunConfiguration) throws {
        var configuration = try configuration.validated()
        try graph.validate()
        if configuration.tunesAllocator { AllocatorTuning.applyOnce() }
        let workerCount = configuration.workers
        var resume: ResumePoint?
        if let store = configuration.recoveryStore {
            do {
                resume = try store.resumePoint()
                try store.beginExecution(workerCount: workerCount)
            } catch let error as DataflowError {
                throw error
            } catch {
                throw DataflowError.recoveryFailed(step: nil, key: nil, reason: "cannot open the recovery store: \(error)")
            }
            if let resume { configuration.startEpoch = resume.epoch.next }
        }
        let settings = configuration
        let context = RunContext(workerCount: workerCount, configuration: settings, resume: resume)
        let installers = try graph.steps.map { try $0.prepare(context) }
        let mailboxes = (0..<workerCount).map { _ in Mailbox(limit: configuration.maxPendingItemsPerWorker) }
        // A worker whose inbox drains below the limit wakes the throttled ones.
        for mailbox in mailboxes {
            mailbox.setDrainHandler { for other in mailboxes where other !== mailbox { other.wake() } }
        }
        let control = ExecutionControl(mailboxes: mailboxes)
        let tracker = configuration.recoveryStore.map { _ in CommitTracker(workerCount: workerCount, mailboxes: mailboxes) }
        configuration.stopSignal?.onStop { for mailbox in mailboxes { mailbox.wake() } }
        let logger = configuration.logger
        logger.debug("starting dataflow", metadata: ["flow": "\(graph.flowID)", "workers": "\(workerCount)"])

        let finished = DispatchGroup()
        let threadInstallers = UncheckedBox(installers)
        for index in 0..<workerCount {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                setThreadName("sluice-w\(index)")
                let builder = WorkerBuilder(
                    worker: WorkerIndex(index), workerCount: workerCount,
                    configuration: settings, mailboxes: mailboxes, commitTracker: tracker,
                    onSnapshotFailure: { control.fail($0) })
                do {
                    for install in threadInstallers.value { try install(builder) }
                } catch {
                    control.fail(error)
                    // Close the partitions the steps installed before the failing one.
                    Worker(builder: builder, control: control).shutdown()
                    return
                }
                do {
                    try Worker(builder: builder, control: control).run()
                } catch {
                    control.fail(error)
                }
            }
            thread.name = "sluice-worker-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        // The handlers reference every mailbox: drop them to free the run.
        for mailbox in mailboxes { mailbox.setDrainHandler(nil) }
        if let error = control.error {
            logger.debug("dataflow failed", metadata: ["flow": "\(graph.flowID)", "error": "\(error)"])
            throw error
        }
    }
}

/// Carries a value that is only read (never mutated) into worker threads.
// @unchecked: the installers are immutable closures created before the threads
// start; each worker calls them on its own builder, sharing no mutable state.
package struct UncheckedBox<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// Names the calling OS thread (shown by `top -H`, `perf`, debuggers); at
/// most 15 characters on Linux.
func setThreadName(_ name: String) {
    #if os(Linux)
    // Not in Swift's Glibc module (it needs _GNU_SOURCE): look it up.
    typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
    _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), String(name.prefix(15)))
    #endif
}
