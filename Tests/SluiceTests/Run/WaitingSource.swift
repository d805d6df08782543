import Foundation
import Sluice
import SluiceTestSupport
import Synchronization

/// A source for the watermark tests: each partition plays a script of items
/// and waits. A wait keeps the partition open and returning nothing (so it
/// can turn idle) until a condition holds; it gives up after `waitBound`
/// (less than a run's `hangBound`) and goes on, noting it in
/// `waitsThatTimedOut`, so a watermark that never moves fails the test
/// instead of hanging it. An abort step fails the run once per source.
final class WaitingSource<Item: Sendable>: PartitionedSource, Sendable {
    enum Step: Sendable {
        /// Items, delivered `batchSize` at a time.
        case items([Item])
        /// Returns nothing until the condition holds (polled every few ms).
        case waitUntil(String, @Sendable () -> Bool)
        /// Runs an action (for example, sets a flag others wait for).
        case perform(@Sendable () -> Void)
        /// Fails the run the first time it is reached.
        case abort
    }

    struct Aborted: Error, CustomStringConvertible {
        var description: String { "scripted abort" }
    }

    /// How long a wait may last before the test calls the watermark stuck.
    static var waitBound: TimeInterval { 20 }

    let scripts: [[Step]]
    let batchSize: Int
    private let aborted = Atomic<Bool>(false)
    private let timedOut = Mutex<[String]>([])

    init(partitions: [[Step]], batchSize: Int = 5) {
        scripts = partitions
        self.batchSize = batchSize
    }

    /// The waits that gave up (their names).
    var waitsThatTimedOut: [String] { timedOut.withLock { $0 } }

    func listPartitions() throws -> [PartitionKey] { scripts.indices.map { PartitionKey("p\($0)") } }

    func buildPartition(_ key: PartitionKey, resumeState: Position?) throws -> Partition {
        Partition(source: self, script: scripts[Int(key.rawValue.dropFirst())!], position: resumeState ?? Position())
    }

    /// Where a partition is: the step, and the item within an `.items` step.
    struct Position: Codable, Sendable {
        var step = 0
        var item = 0
    }

    final class Partition: SourcePartition {
        let source: WaitingSource
        let script: [Step]
        var position: Position
        var waitingSince: Date?

        init(source: WaitingSource, script: [Step], position: Position) {
            self.source = source
            self.script = script
            self.position = position
        }

        func nextBatch() throws -> [Item]? {
            while position.step < script.count {
                switch script[position.step] {
                case .items(let items):
                    if position.item < items.count {
                        let end = min(position.item + source.batchSize, items.count)
                        defer { position.item = end }
                        return Array(items[position.item..<end])
                    }
                case let .waitUntil(name, condition):
                    if !condition() {
                        let since = waitingSince ?? Date()
                        waitingSince = since
                        guard Date().timeIntervalSince(since) > WaitingSource.waitBound else { return [] }
                        // The test checks `waitsThatTimedOut` (an issue recorded on this thread would name no test).
                        source.timedOut.withLock { $0.append(name) }
                    }
                    waitingSince = nil
                case .perform(let action):
                    action()
                case .abort:
                    if source.aborted.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
                        throw Aborted()
                    }
                }
                position.step += 1
                position.item = 0
            }
            return nil
        }

        func nextAwake() -> Date? { waitingSince.map { _ in Date().addingTimeInterval(0.002) } }

        func snapshot() -> Position { position }
    }
}
