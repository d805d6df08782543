import Foundation
import SluiceCore
import Synchronization

/// A source that emits prepared items, for tests: one partition per array,
/// a resume position per partition, and injectable end-of-input and abort
/// points to simulate a stop or a crash at an exact place.
///
/// ```swift
/// let source = TestingSource([1, 2, 3], batchSize: 2)
/// let withStops = TestingSource<Int>(events: [.item(1), .eof, .item(2), .abort, .item(3)])
/// ```
///
/// Like Bytewax's, the default batch size is 1 (every item its own batch),
/// which exercises the engine hardest; use a larger one for throughput.
public struct TestingSource<Item: Sendable>: PartitionedSource {
    /// One entry of a partition's script.
    public enum Event: Sendable {
        /// Emit this item.
        case item(Item)
        /// End the input here, as if the partition were exhausted. A later run
        /// resuming from a snapshot taken after this point continues past it.
        case eof
        /// Fail the run here, as if the process crashed (no flush happens).
        /// Each abort point fires only once per `TestingSource` value, so a
        /// resumed run passes it.
        case abort
    }

    private let partitions: [Script]
    private let batchSize: Int
    private let firedAborts: AbortLog

    /// A single-partition source of `items`.
    /// - Parameters:
    ///   - items: The items, emitted in order.
    ///   - batchSize: Items per batch (at least 1).
    public init(_ items: [Item], batchSize: Int = 1) {
        self.init(scripts: [Script(items: items)], batchSize: batchSize)
    }

    /// A single-partition source following a script of items, EOFs and aborts.
    /// - Parameters:
    ///   - events: The script.
    ///   - batchSize: Items per batch (at least 1).
    public init(events: [Event], batchSize: Int = 1) {
        self.init(scripts: [Script(events: events)], batchSize: batchSize)
    }

    /// A source with one partition per array, so several workers can read it.
    /// - Parameters:
    ///   - partitions: The items of each partition (`part-0`, `part-1`, …).
    ///   - batchSize: Items per batch (at least 1).
    public init(partitions: [[Item]], batchSize: Int = 1) {
        self.init(scripts: partitions.map(Script.init(items:)), batchSize: batchSize)
    }

    /// A source with one scripted partition per array.
    /// - Parameters:
    ///   - partitionEvents: The script of each partition.
    ///   - batchSize: Items per batch (at least 1).
    public init(partitionEvents: [[Event]], batchSize: Int = 1) {
        self.init(scripts: partitionEvents.map(Script.init(events:)), batchSize: batchSize)
    }

    private init(scripts: [Script], batchSize: Int) {
        precondition(batchSize >= 1, "TestingSource batchSize must be at least 1")
        self.partitions = scripts
        self.batchSize = batchSize
        self.firedAborts = AbortLog()
    }

    public func listPartitions() throws -> [PartitionKey] {
        partitions.indices.map { PartitionKey("part-\($0)") }
    }

    public func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> Partition {
        guard key.rawValue.hasPrefix("part-"), let index = Int(key.rawValue.dropFirst(5)),
            partitions.indices.contains(index)
        else { throw TestingSourceError.unknownPartition(key) }
        return Partition(
            key: key, script: partitions[index], position: resumeState ?? 0, batchSize: batchSize, aborts: firedAborts)
    }

    /// A partition's script kept as plain items plus sparse control points, so
    /// batches are cut by slicing (no per-item work).
    struct Script: Sendable {
        enum Control: Sendable { case eof, abort }
        /// The items, in order.
        let items: [Item]
        /// Control points by event index (the position in the whole script).
        let controls: [(event: Int, control: Control)]

        init(items: [Item]) {
            self.items = items
            self.controls = []
        }

        init(events: [Event]) {
            var items: [Item] = []
            var controls: [(event: Int, control: Control)] = []
            for (index, event) in events.enumerated() {
                switch event {
                case .item(let item): items.append(item)
                case .eof: controls.append((index, .eof))
                case .abort: controls.append((index, .abort))
                }
            }
            self.items = items
            self.controls = controls
        }

        var eventCount: Int { items.count + controls.count }
    }

    /// One scripted partition; its resume state is the index of the next event.
    public final class Partition: SourcePartition {
        private let key: PartitionKey
        private let script: Script
        private let batchSize: Int
        private let aborts: AbortLog
        /// The next event (resume position) and the next item and control to reach.
        private var event: Int
        private var item: Int
        private var control: Int

        fileprivate init(key: PartitionKey, script: Script, position: Int, batchSize: Int, aborts: AbortLog) {
            self.key = key
            self.script = script
            self.batchSize = batchSize
            self.aborts = aborts
            self.event = min(position, script.eventCount)
            self.control = script.controls.firstIndex { $0.event >= position } ?? script.controls.count
            self.item = self.event - control
        }

        public func nextBatch() throws -> [Item]? {
            let nextControl = control < script.controls.count ? script.controls[control].event : Int.max
            let available = min(nextControl - event, script.items.count - item)
            if available > 0 {
                let count = min(batchSize, available)
                defer {
                    item += count
                    event += count
                }
                return Array(script.items[item..<(item + count)])
            }
            guard control < script.controls.count else { return nil }
            let (position, kind) = script.controls[control]
            control += 1
            event += 1
            switch kind {
            case .eof:
                return nil
            case .abort:
                if aborts.fire(key: key, at: position) {
                    throw TestingSourceError.aborted(partition: key, position: position)
                }
                return try nextBatch()
            }
        }

        public func snapshot() -> Int { event }
    }
}

/// Errors of `TestingSource`.
public enum TestingSourceError: Error, CustomStringConvertible {
    /// An abort point was reached (a simulated crash).
    case aborted(partition: PartitionKey, position: Int)
    /// A partition key the source never listed.
    case unknownPartition(PartitionKey)

    public var description: String {
        switch self {
        case let .aborted(partition, position): return "TestingSource abort point at \(partition)[\(position)]"
        case let .unknownPartition(key): return "TestingSource has no partition '\(key)'"
        }
    }
}

/// Remembers which abort points fired, across runs of the same source value.
final class AbortLog: Sendable {
    private let fired = Mutex<Set<String>>([])

    /// Records the abort point; true the first time only.
    func fire(key: PartitionKey, at position: Int) -> Bool {
        fired.withLock { $0.insert("\(key.rawValue)#\(position)").inserted }
    }
}
