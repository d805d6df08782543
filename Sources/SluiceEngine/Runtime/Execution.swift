import Foundation
import Logging

/// Runs a dataflow graph on `configuration.workers` threads of this process and
/// returns when every stream has ended, or throws the first failure (after
/// every worker has stopped). It never returns while a worker still runs.
package enum Execution {
    package static func run(_ graph: DataflowGraph, configuration: RunConfiguration) throws {
        let status = configuration.status
        status?.enter(.starting)
        do {
            try runReporting(graph, configuration: configuration)
            status?.enter(.stopped)
        } catch {
            status?.fail("\(error)")
            throw error
        }
    }

    private static func runReporting(_ graph: DataflowGraph, configuration: RunConfiguration) throws {
        var configuration = try configuration.validated()
        try graph.validate()
        let status = configuration.status
        if configuration.tunesAllocator { AllocatorTuning.applyOnce() }
        let transport = configuration.transport
        let mailboxes = (0..<configuration.workers).map { _ in Mailbox(limit: configuration.maxPendingItemsPerWorker) }
        // A worker whose inbox drains below the limit wakes the throttled ones.
        for mailbox in mailboxes {
            mailbox.setDrainHandler { for other in mailboxes where other !== mailbox { other.wake() } }
        }
        let network = WorkerNetwork(mailboxes: mailboxes, transport: transport)
        // The other processes stop as soon as this one fails.
        let abortPeers: @Sendable (any Error) -> Void = { error in transport?.abort(reason: "\(error)") }
        let control = ExecutionControl(mailboxes: mailboxes, onFirstFailure: abortPeers)
        var announce: (@Sendable (WorkerIndex, Epoch, Bool) -> Void)?
        if transport != nil {
            announce = { worker, epoch, ended in network.announceWritten(worker: worker, epoch: epoch, ended: ended) }
        }
        let release = FormerStoreRelease(logger: configuration.logger)
        let tracker = configuration.recoveryStore.map { [announce] store in
            CommitTracker(
                workerCount: network.workerCount, mailboxes: mailboxes, announce: announce, status: status,
                onCommitted: { epoch in
                    store.clusterCommitted(epoch)
                    release.committed(epoch)
                })
        }
        status?.setWorkers(total: network.workerCount, local: network.localBase..<(network.localBase + mailboxes.count))
        // In a cluster a stop asked of any process stops every process: each
        // tells the others when its own stop is requested (once).
        if transport != nil, configuration.stopSignal == nil { configuration.stopSignal = StopSignal() }
        let stop = configuration.stopSignal
        let logger = configuration.logger
        network.attach(
            tracker: tracker,
            onStopRequest: { process, draining in
                if stop?.isStopRequested == false { logger.notice("process \(process) was asked to stop: stopping too") }
                stop?.requestStop(draining: draining)
            },
            onFailure: { control.fail($0) })
        stop?.onStop { [weak stop] in network.announceStop(draining: stop?.isDrainRequested ?? false) }
        if let status { stop?.onStop { status.enter(.stopping) } }

        ProcessMetrics.running(true)
        defer {
            ProcessMetrics.ready(false)
            ProcessMetrics.running(false)
        }
        let installers: [WorkerInstaller]
        let context: RunContext
        do {
            status?.enter(.resuming)
            let resume: ResumePoint?
            var rehoming = false
            if let member = configuration.recoveryStore as? any LocalRecoveryStore {
                let start = try ClusterStart.recoverLocal(
                    member, network: network, freshEpoch: configuration.startEpoch, logger: logger)
                resume = start.resume
                rehoming = start.rehome
                if start.rehome, network.isLeader { release.expect(start.formerPaths, at: start.firstEpoch) }
            } else {
                resume = try ClusterStart.recover(configuration.recoveryStore, network: network)
            }
            if let resume { configuration.startEpoch = resume.epoch.next }
            context = RunContext(
                workerCount: network.workerCount, configuration: configuration, resume: resume,
                isLeader: network.isLeader, rehoming: rehoming)
            installers = try graph.steps.map { try $0.prepare(context) }
            _ = try network.sync(step: ClusterStart.preparedStep)
            status?.enter(.running)
            ProcessMetrics.ready(true)
        } catch {
            control.fail(error)
            throw error
        }
        let settings = configuration
        configuration.stopSignal?.onStop { for mailbox in mailboxes { mailbox.wake() } }
        logger.debug(
            "starting dataflow",
            metadata: ["flow": "\(graph.flowID)", "workers": "\(network.workerCount)", "local": "\(mailboxes.count)"])

        let finished = DispatchGroup()
        let threadInstallers = UncheckedBox(installers)
        let ledger = context.ledger
        for index in 0..<mailboxes.count {
            let worker = network.localBase + index
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                setThreadName("sluice-w\(worker)")
                RunStopping.register(control)
                let builder = WorkerBuilder(
                    worker: WorkerIndex(worker), configuration: settings, network: network, commitTracker: tracker,
                    onSnapshotFailure: { control.fail($0) })
                do {
                    for install in threadInstallers.value { try install(builder) }
                    // A re-homing run writes every loaded key in its first snapshot (decision 0018).
                    builder.snapshots?.seed(ledger.records(of: builder.worker), at: settings.startEpoch)
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
            thread.name = "sluice-worker-\(worker)"
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
