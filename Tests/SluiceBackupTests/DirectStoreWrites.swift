import SluiceEngine
import SluiceRecovery

/// Writes epochs straight into a store, as one worker would, so a test
/// controls exactly which epochs exist when an upload runs.
enum DirectStoreWrites {
    static let flowID = "direct_writes"
    static let step = StepID("direct.count")
    static let keys = ["a", "b", "c"]

    /// The state stored for `key` at `epoch`.
    static func state(_ key: String, _ epoch: UInt64) -> [UInt8] { Array("\(key)@\(epoch)".utf8) }

    /// Writes `epochs` (each key's state at each epoch) as worker 0 of a 1-worker execution.
    static func write(_ store: any RecoveryStore, epochs: ClosedRange<UInt64>) throws {
        for epoch in epochs {
            try store.write(
                epoch: Epoch(epoch), worker: WorkerIndex(0),
                records: keys.map { SnapshotRecord(step: step, key: $0, state: state($0, epoch)) }, ended: false)
        }
    }
}
