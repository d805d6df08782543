import Foundation
import Logging

/// One worker: a dedicated thread that runs every step of the dataflow for
/// the partitions and keys it owns. It drains its inbox, polls its sources
/// (unless back-pressure says wait), closes epochs on time, fires timers, and
/// sleeps on its inbox when there is nothing to do.
package final class Worker {
    private let builder: WorkerBuilder
    private let control: ExecutionControl
    private let clock = ContinuousClock()
    private var epoch: Epoch
    private var nextEpochDeadline: ContinuousClock.Instant
    /// How long to wait before re-checking a throttled or idle source.
    private let pollBackoff: TimeInterval = 0.001
    /// The last committed epoch told to this worker's committers.
    private var toldCommitted: Epoch?
    /// The inbox state last told to other processes.
    private var reportedBusy = false
    private let metrics: WorkerMetrics

    package init(builder: WorkerBuilder, control: ExecutionControl) {
        self.builder = builder
        self.control = control
        self.epoch = builder.configuration.startEpoch
        self.nextEpochDeadline = clock.now.advanced(by: builder.configuration.epochInterval)
        self.metrics = WorkerMetrics(worker: builder.worker)
    }

    private var isFinished: Bool {
        builder.inputs.allSatisfy(\.isFinished) && builder.receivers.values.allSatisfy(\.isFinished)
    }

    /// Runs until every stream has ended, or until the run is stopped. A
    /// failure here marks the run failing (so the other workers and
    /// processes stop at once) before this worker closes its partitions: a
    /// slow close must not keep the others running on.
    package func run() throws {
        do {
            try loop()
        } catch {
            control.fail(error)
            shutdown()
            throw error
        }
        shutdown()
    }

    private func loop() throws {
        let mailbox = builder.mailbox
        metrics.current(epoch)
        while !isFinished {
            if control.isStopped { return }
            var didWork = false
            if let stop = builder.configuration.stopSignal, stop.isStopRequested {
                // With a recovery store a stop suspends (state kept for the
                // next run) unless it asked to drain; without one it drains.
                let suspending = !stop.isDrainRequested && builder.configuration.recoveryStore != nil
                for input in builder.inputs where !input.isFinished { try input.finishNow(suspending: suspending) }
            }

            let messages = mailbox.takeAll()
            for message in messages {
                guard let receiver = builder.receivers[message.exchange] else {
                    preconditionFailure("no receiver for exchange \(message.exchange)")
                }
                try receiver.deliver(message)
                didWork = true
            }

            if clock.now >= nextEpochDeadline {
                try closeEpoch()
            }

            let now = Date()
            let throttled = isThrottled()
            metrics.throttled(throttled)
            if !throttled {
                for input in builder.inputs where !input.isFinished {
                    if try input.poll(now: now) { didWork = true }
                }
            }
            for node in builder.timers {
                if let due = node.nextTimer, due <= now { try node.fireTimers(now: now) }
            }

            try tellCommits()
            reportBusy()
            if metrics.isRecording { metrics.inbox(depth: mailbox.pendingItems.load(ordering: .relaxed)) }

            if !didWork && !isFinished {
                mailbox.wait(until: wakeDeadline(now: now, throttled: throttled))
            }
        }
        // The run's last snapshot must be durable before it returns.
        try builder.snapshots?.finish()
        try awaitFinalCommit()
    }

    /// Tells the committers (committing sinks) about a newly committed epoch.
    private func tellCommits() throws {
        guard !builder.committers.isEmpty, let committed = builder.commitTracker?.committed,
            toldCommitted.map({ committed > $0 }) ?? true
        else { return }
        toldCommitted = committed
        for committer in builder.committers { try committer.committed(upTo: committed) }
    }

    /// With committing sinks, the run ends only once this worker's last
    /// snapshot is committed (every worker wrote theirs) and told to them.
    private func awaitFinalCommit() throws {
        guard !builder.committers.isEmpty, let tracker = builder.commitTracker,
            let last = builder.snapshots?.lastWritten
        else { return }
        while !control.isStopped && (tracker.committed.map { $0 < last } ?? true) {
            builder.mailbox.wait(until: Date().addingTimeInterval(0.1))
        }
        if control.isStopped { return }
        try tellCommits()
    }

    private func closeEpoch() throws {
        let start = metrics.isRecording ? MonotonicNanos.now() : 0
        for input in builder.inputs where !input.isFinished {
            try input.closeEpoch(epoch)
        }
        epoch = epoch.next
        metrics.closed(since: start)
        metrics.current(epoch)
        nextEpochDeadline = clock.now.advanced(by: builder.configuration.epochInterval)
    }

    /// Back-pressure: sources wait while any worker's inbox is over its
    /// limit (in this process, or as another process told), or while too
    /// many bytes wait to be sent to another process.
    private func isThrottled() -> Bool {
        let limit = builder.configuration.maxPendingItemsPerWorker
        for mailbox in builder.network.mailboxes where mailbox.pendingItems.load(ordering: .relaxed) > limit {
            return true
        }
        return builder.network.isRemoteThrottled
    }

    /// In a cluster, tells the other processes when this worker's inbox goes
    /// over or back under its limit (only this thread reports it, so the
    /// reports arrive in order).
    private func reportBusy() {
        guard builder.network.transport != nil else { return }
        let busy = builder.mailbox.pendingItems.load(ordering: .relaxed) > builder.mailbox.limit
        if busy != reportedBusy {
            reportedBusy = busy
            builder.network.announceBusy(worker: builder.worker, busy: busy)
        }
    }

    private func wakeDeadline(now: Date, throttled: Bool) -> Date {
        let untilEpoch = clock.now.duration(to: nextEpochDeadline)
        var deadline = now.addingTimeInterval(max(0, untilEpoch.seconds))
        if throttled {
            deadline = min(deadline, now.addingTimeInterval(pollBackoff))
        } else {
            for input in builder.inputs where !input.isFinished {
                guard let awake = input.nextAwake(now: now) else { return now }
                deadline = min(deadline, awake)
            }
        }
        for node in builder.timers {
            if let due = node.nextTimer { deadline = min(deadline, due) }
        }
        return deadline
    }

    /// Closes this worker's source and sink partitions without flushing (the
    /// run is over or stopping). `run()` does it on return.
    package func shutdown() {
        builder.snapshots?.stop()
        for input in builder.inputs { input.shutdown() }
        for hook in builder.shutdownHooks { hook.shutdown() }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    package var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
