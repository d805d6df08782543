import Foundation
import SluiceEngine

/// What `inspectDebug` tells its inspector about one item.
public struct DebugInfo<Item: Sendable>: Sendable {
    /// The inspecting step.
    public let step: StepID
    /// The item.
    public let item: Item
    /// The epoch the item belongs to.
    public let epoch: Epoch
    /// The worker that holds it.
    public let worker: WorkerIndex
}

extension DataStream {
    /// Calls `inspector` with every item, its epoch and its worker, and passes
    /// the items on unchanged. By default prints `step W<worker> @<epoch>: item`.
    ///
    /// ```swift
    /// let spread = metrics.redistribute("spread").inspectDebug("where")
    /// // anomaly.where W1 @1: ("v_metric", 12.5)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - inspector: Called once per item; nil prints to standard output.
    /// - Returns: The same stream.
    public func inspectDebug(
        _ name: String,
        _ inspector: (@Sendable (DebugInfo<Item>) throws -> Void)? = nil
    ) -> DataStream<Item> {
        let stepID = scope.child(name)
        let inspector = inspector ?? { info in
            Console.write("\(info.step) W\(info.worker.rawValue) @\(info.epoch.rawValue): \(String(reflecting: info.item))\n")
        }
        return flatMapBatchWithContext(name, kind: "inspect_debug") { batch, context in
            for item in batch {
                try forItem(item) {
                    try inspector(DebugInfo(step: stepID, item: item, epoch: context.epoch, worker: context.worker))
                }
            }
            return batch
        }
    }
}
