import Foundation
import Sluice
import SluiceTestSupport
import Synchronization

/// A partitioned source for error tests: named partitions of integers, with
/// one chosen way to fail.
struct ScriptedSource: PartitionedSource {
    enum Failure: Sendable {
        case none
        /// `listPartitions()` throws.
        case listing
        /// `buildPartition` throws for this partition.
        case building(PartitionKey)
        /// This partition's `nextBatch()` throws once it has emitted `afterItems` items.
        case reading(PartitionKey, afterItems: Int)
    }

    let partitions: [(key: PartitionKey, items: [Int])]
    let failure: Failure

    init(_ partitions: [(key: PartitionKey, items: [Int])], failure: Failure) {
        self.partitions = partitions
        self.failure = failure
    }

    func listPartitions() throws -> [PartitionKey] {
        if case .listing = failure { throw Boom("cannot list partitions") }
        return partitions.map(\.key)
    }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        if case .building(let failing) = failure, failing == key { throw Boom("cannot open \(key)") }
        let items = partitions.first { $0.key == key }!.items
        var failAfter: Int?
        if case .reading(let failing, let count) = failure, failing == key { failAfter = count }
        return Partition(key: key, items: items, failAfter: failAfter)
    }

    final class Partition: SourcePartition {
        private let key: PartitionKey
        private let items: [Int]
        private let failAfter: Int?
        private var position = 0

        init(key: PartitionKey, items: [Int], failAfter: Int?) {
            self.key = key
            self.items = items
            self.failAfter = failAfter
        }

        func nextBatch() throws -> [Int]? {
            if let failAfter, position >= failAfter { throw Boom("cannot read \(key) at \(position)") }
            guard position < items.count else { return nil }
            defer { position += 1 }
            return [items[position]]
        }
    }
}

/// A source whose every worker emits its prepared items (if any) once and
/// then idles forever: it never ends, so a run over it returns only when it is
/// stopped. `wentIdle` fires when a partition that had items has emitted them
/// and been polled again (its worker is about to sleep on its inbox).
///
/// The partition of `failingWorker` waits for `wentIdle` and then throws.
struct IdleForeverSource: PerWorkerSource {
    let itemsByWorker: [Int: [String]]
    let wentIdle: Signal
    var failingWorker: Int? = nil

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
        let items = itemsByWorker[worker.rawValue]
        return Partition(
            items: items, signal: items == nil ? nil : wentIdle,
            failOnceIdle: failingWorker == worker.rawValue ? wentIdle : nil)
    }

    final class Partition: SourcePartition {
        private enum Phase { case pending([String]), emitted, idle }
        private var phase: Phase
        private let signal: Signal?
        private let failOnceIdle: Signal?

        init(items: [String]?, signal: Signal?, failOnceIdle: Signal?) {
            phase = items.map(Phase.pending) ?? .idle
            self.signal = signal
            self.failOnceIdle = failOnceIdle
        }

        func nextBatch() throws -> [String]? {
            if let failOnceIdle {
                failOnceIdle.wait()
                throw Boom("source gave up while the others were idle")
            }
            switch phase {
            case .pending(let items):
                phase = .emitted
                return items
            case .emitted, .idle:
                phase = .idle
                signal?.fire()
                return []
            }
        }

        func nextAwake() -> Date? {
            if case .idle = phase { return .distantFuture }
            return nil
        }
    }
}

/// A sink with two partitions, `even` and `odd`, that fails on one item.
struct ParityFileLikeSink: PartitionedSink {
    let failOn: Int

    func listPartitions() throws -> [PartitionKey] { ["even", "odd"] }

    func partition(for item: Int, of count: Int) -> Int { item % 2 == 0 ? 0 : 1 }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        Partition(failOn: failOn)
    }

    final class Partition: SinkPartition {
        private let failOn: Int
        init(failOn: Int) { self.failOn = failOn }
        func write(_ batch: [Int]) throws {
            if batch.contains(failOn) { throw Boom("disk full at \(failOn)") }
        }
    }
}

/// Which partitions a source or sink opened and closed, across workers.
final class OpenCloseLog: Sendable {
    private let state = Mutex<(opened: [String], closed: [String])>(([], []))

    func opened(_ name: String) { state.withLock { $0.opened.append(name) } }
    func closed(_ name: String) { state.withLock { $0.closed.append(name) } }

    var opened: [String] { state.withLock { $0.opened } }
    var closed: [String] { state.withLock { $0.closed } }
}

/// A partitioned source of a few items per partition that logs opens and closes.
struct LoggingSource: PartitionedSource {
    let partitionCount: Int
    let log: OpenCloseLog

    func listPartitions() throws -> [PartitionKey] { (0..<partitionCount).map { PartitionKey("p\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        log.opened(key.rawValue)
        return Partition(key: key, log: log)
    }

    final class Partition: SourcePartition {
        private let key: PartitionKey
        private let log: OpenCloseLog
        private var remaining = 3
        init(key: PartitionKey, log: OpenCloseLog) {
            self.key = key
            self.log = log
        }
        func nextBatch() throws -> [Int]? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            return [remaining]
        }
        func close() throws { log.closed(key.rawValue) }
    }
}

/// A per-worker sink that logs opens and closes, and cannot be opened on one worker.
struct LoggingSink: PerWorkerSink {
    let log: OpenCloseLog
    var unopenableOn: Int? = nil

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
        if worker.rawValue == unopenableOn { throw Boom("cannot open the sink on \(worker)") }
        log.opened("sink-\(worker.rawValue)")
        return Partition(name: "sink-\(worker.rawValue)", log: log)
    }

    final class Partition: SinkPartition {
        private let name: String
        private let log: OpenCloseLog
        private let failsToClose: Bool
        init(name: String, log: OpenCloseLog, failsToClose: Bool = false) {
            self.name = name
            self.log = log
            self.failsToClose = failsToClose
        }
        func write(_ batch: [Int]) throws {}
        func close() throws {
            log.closed(name)
            if failsToClose { throw Boom("cannot close \(name)") }
        }
    }
}

/// A partitioned sink (`a`, `b`, `c`, items by value modulo 3) that logs opens
/// and closes, and cannot open, or cannot close, one partition.
struct LoggingPartitionedSink: PartitionedSink {
    let log: OpenCloseLog
    var unopenable: PartitionKey? = nil
    var unclosable: PartitionKey? = nil

    func listPartitions() throws -> [PartitionKey] { ["a", "b", "c"] }

    func partition(for item: Int, of count: Int) -> Int { item % count }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> LoggingSink.Partition {
        if key == unopenable { throw Boom("cannot open \(key)") }
        log.opened(key.rawValue)
        return LoggingSink.Partition(name: key.rawValue, log: log, failsToClose: key == unclosable)
    }
}

/// A per-worker sink whose `epochEnded` or `close` throws, logging each close call.
struct FailingLifecycleSink: PerWorkerSink {
    enum Failure: Sendable { case epochEnded, close }
    let failure: Failure
    let log: OpenCloseLog

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition {
        log.opened("sink-\(worker.rawValue)")
        return Partition(name: "sink-\(worker.rawValue)", failure: failure, log: log)
    }

    final class Partition: SinkPartition {
        private let name: String
        private let failure: Failure
        private let log: OpenCloseLog
        init(name: String, failure: Failure, log: OpenCloseLog) {
            self.name = name
            self.failure = failure
            self.log = log
        }
        func write(_ batch: [Int]) throws {}
        func epochEnded(_ epoch: Epoch) throws {
            if failure == .epochEnded { throw Boom("cannot flush \(epoch)") }
        }
        func close() throws {
            log.closed(name)
            if failure == .close { throw Boom("cannot close \(name)") }
        }
    }
}

/// A partitioned source whose partitions throw from `close()`.
struct UnclosableSource: PartitionedSource {
    func listPartitions() throws -> [PartitionKey] { ["only"] }
    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition { Partition() }

    final class Partition: SourcePartition {
        private var sent = false
        func nextBatch() throws -> [Int]? {
            if sent { return nil }
            sent = true
            return [1, 2, 3]
        }
        func close() throws { throw Boom("cannot release the source") }
    }
}
