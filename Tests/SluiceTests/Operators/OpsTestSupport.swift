import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Helpers for the stateless-operator and connector tests (namespaced so they
/// cannot clash with other test files' helpers).
enum OpsSupport {
    /// Runs `body` with a fresh temporary directory, removed afterwards.
    static func withTemporaryDirectory<Value>(_ body: (URL) throws -> Value) throws -> Value {
        let directory = try TemporaryDirectory(prefix: "sluice-ops")
        return try withExtendedLifetime(directory) { try body(directory.url) }
    }

    /// Writes `text` to `name` in `directory` and returns the file's path.
    static func writeFile(_ text: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// How many of this process's file descriptors refer to `path`, or nil
    /// where the platform gives no cheap way to list them (only Linux does).
    static func openDescriptorCount(for path: String) -> Int? {
        #if os(Linux)
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
            var count = 0
            for fd in fds {
                if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                    destination == target
                {
                    count += 1
                }
            }
            return count
        #else
            return nil
        #endif
    }
}

/// Collects values from any worker thread, for inspectors and batch probes.
final class OpsRecorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])

    func append(_ value: Value) { storage.withLock { $0.append(value) } }

    /// Everything recorded, in recording order.
    var values: [Value] { storage.withLock { $0 } }
}

/// What `inspectDebug` reported for one item, in comparable form.
struct OpsObserved<Item: Sendable>: Sendable {
    let item: Item
    let worker: Int
    let epoch: UInt64
    let step: String

    init(_ info: DebugInfo<Item>) {
        item = info.item
        worker = info.worker.rawValue
        epoch = info.epoch.rawValue
        step = info.step.rawValue
    }
}

/// The highest epoch seen per source partition, fed by an `inspectDebug`
/// right after the input; tells `OpsTickingSource` when to stop.
final class OpsEpochTracker: Sendable {
    private let highest = Mutex<[Int: UInt64]>([:])
    private let cancelled = Flag()
    private let target: UInt64

    /// - Parameter target: The epoch each partition must reach before it ends.
    init(until target: UInt64) { self.target = target }

    func saw(_ item: Int, in epoch: Epoch) {
        let partition = item / OpsTickingSource.stride
        highest.withLock { $0[partition] = max($0[partition] ?? 0, epoch.rawValue) }
    }

    func isDone(_ partition: Int) -> Bool {
        cancelled.isSet || highest.withLock { ($0[partition] ?? 0) >= target }
    }

    /// Ends every partition (used when a bounded run times out).
    func cancel() { cancelled.set() }
}

/// Partitions emitting `p * stride + n` for n = 0, 1, 2…, one item about
/// every millisecond, until the tracker says partition p reached its epoch.
/// Its runs last several epochs however fast or slow the machine is.
struct OpsTickingSource: PartitionedSource {
    static let stride = 1_000_000
    let partitions: Int
    let tracker: OpsEpochTracker

    func listPartitions() throws -> [PartitionKey] { (0..<partitions).map { PartitionKey("tick-\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        Partition(index: Int(key.rawValue.dropFirst(5))!, tracker: tracker)
    }

    final class Partition: SourcePartition {
        private let index: Int
        private let tracker: OpsEpochTracker
        private var next = 0

        init(index: Int, tracker: OpsEpochTracker) {
            self.index = index
            self.tracker = tracker
        }

        func nextBatch() throws -> [Int]? {
            if tracker.isDone(index) { return nil }
            defer { next += 1 }
            return [index * OpsTickingSource.stride + next]
        }

        func nextAwake() -> Date? { Date().addingTimeInterval(0.001) }
    }
}

/// Records the epoch `inspectDebug` reports for each item.
final class OpsEpochLog: Sendable {
    private let epochs = Mutex<[Int: [UInt64]]>([:])

    func record(_ info: DebugInfo<Int>) { epochs.withLock { $0[info.item, default: []].append(info.epoch.rawValue) } }

    /// Every epoch each item was seen in.
    var byItem: [Int: [UInt64]] { epochs.withLock { $0 } }
}
