import Foundation
import SluiceEngine

/// Prints every item on its own line to standard output (all workers share
/// stdout; a batch is printed in one piece).
///
/// ```swift
/// counts.output("print", StdOutSink())
/// ```
public struct StdOutSink<Item: Sendable>: PerWorkerSink {
    /// Creates the sink.
    public init() {}

    public func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> Partition { Partition() }

    /// The per-worker printer.
    public final class Partition: SinkPartition {
        public func write(_ batch: [Item]) throws {
            var text = ""
            for item in batch {
                text += String(describing: item)
                text += "\n"
            }
            Console.write(text)
        }
    }
}
