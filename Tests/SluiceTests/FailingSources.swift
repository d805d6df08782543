import Foundation
import Sluice

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
