import Foundation

/// Something a worker polls for input: a source step's partitions on this worker.
package protocol InputDriver: AnyObject {
    /// True once every partition on this worker has ended and `end` was sent.
    var isFinished: Bool { get }
    /// Polls partitions that are due; returns whether any items were emitted.
    func poll(now: Date) throws -> Bool
    /// The earliest time a partition wants to be polled; nil if one wants it now.
    func nextAwake(now: Date) -> Date?
    /// Ends the current epoch: sends its barrier downstream.
    func closeEpoch(_ epoch: Epoch) throws
    /// Ends the input now (a graceful stop): closes partitions, sends `end`.
    func finishNow(suspending: Bool) throws
    /// Closes partitions without flushing anything (the run is stopping).
    func shutdown()
}

/// Something with timers (stateful steps' `notifyAt`).
package protocol TimerDriven: AnyObject {
    /// The earliest due timer, if any.
    var nextTimer: Date? { get }
    /// Fires every timer due at `now`.
    func fireTimers(now: Date) throws
}

/// The receiving side of an exchange on one worker.
package protocol ExchangeReceiving: AnyObject {
    /// True once `end` arrived from every sender and was released downstream.
    var isFinished: Bool { get }
    /// Takes one message from another worker.
    func deliver(_ envelope: Envelope) throws
}

/// Something to close when the run stops, successfully or not (sink partitions…).
package protocol ShutdownHook: AnyObject {
    func shutdown()
}

/// Builds one worker's part of the graph: the typed emitters of every stream,
/// and the drivers the worker loop polls.
package final class WorkerBuilder {
    package let worker: WorkerIndex
    package let workerCount: Int
    package let configuration: RunConfiguration
    /// Every worker's inbox, here or in another process.
    package let network: WorkerNetwork
    /// Collects this worker's snapshots; nil without a recovery store.
    package let snapshots: SnapshotCollector?
    /// Follows committed epochs across workers; nil without a recovery store.
    package let commitTracker: CommitTracker?
    private var emitters: [StreamID: AnyObject] = [:]
    package private(set) var inputs: [InputDriver] = []
    package private(set) var timers: [TimerDriven] = []
    package private(set) var receivers: [Int: ExchangeReceiving] = [:]
    package private(set) var shutdownHooks: [ShutdownHook] = []
    package private(set) var committers: [Committer] = []

    package init(
        worker: WorkerIndex, configuration: RunConfiguration, network: WorkerNetwork,
        commitTracker: CommitTracker? = nil, onSnapshotFailure: @escaping @Sendable (any Error) -> Void = { _ in }
    ) {
        self.worker = worker
        self.workerCount = network.workerCount
        self.configuration = configuration
        self.network = network
        self.commitTracker = commitTracker
        self.snapshots = configuration.recoveryStore.map {
            SnapshotCollector(
                store: $0, worker: worker, every: configuration.epochsPerSnapshot, tracker: commitTracker,
                onFailure: onSnapshotFailure)
        }
    }

    /// This worker's own inbox.
    package var mailbox: Mailbox { network.mailbox(of: worker.rawValue) }

    /// Creates the emitter of a stream this step produces.
    package func makeEmitter<Item>(_ stream: StreamID, of _: Item.Type = Item.self) -> Emitter<Item> {
        let emitter = Emitter<Item>()
        emitters[stream] = emitter
        return emitter
    }

    /// The emitter of a stream defined by an earlier step.
    package func emitter<Item>(_ stream: StreamID, of _: Item.Type = Item.self) -> Emitter<Item> {
        guard let any = emitters[stream] else {
            preconditionFailure("stream \(stream) is consumed before it is defined")
        }
        guard let emitter = any as? Emitter<Item> else {
            preconditionFailure("stream \(stream) carries \(type(of: any)), not Emitter<\(Item.self)>")
        }
        return emitter
    }

    package func addInput(_ input: InputDriver) { inputs.append(input) }
    package func addTimers(_ node: TimerDriven) { timers.append(node) }
    package func addReceiver(_ receiver: ExchangeReceiving, exchange: Int) { receivers[exchange] = receiver }
    package func addShutdownHook(_ hook: ShutdownHook) { shutdownHooks.append(hook) }
    package func addCommitter(_ committer: Committer) { committers.append(committer) }
}
