import Foundation
import SluiceEngine
import Synchronization

/// A recovery store that keeps every write in the order it arrived and
/// passes everything on to an `InMemoryRecoveryStore` (which commits and
/// resumes as usual).
final class RecordingStore: RecoveryStore {
    /// One `write` call.
    struct Write: Sendable, Equatable {
        let epoch: UInt64
        let worker: Int
        let records: [SnapshotRecord]
        let ended: Bool
    }

    /// The store the writes go on to.
    let inner = InMemoryRecoveryStore()
    private let log = Mutex<[Write]>([])

    /// Every write so far, in arrival order.
    var writes: [Write] { log.withLock { $0 } }

    func resumePoint() throws -> ResumePoint? { try inner.resumePoint() }

    func beginExecution(workerCount: Int) throws { try inner.beginExecution(workerCount: workerCount) }

    func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        log.withLock { $0.append(Write(epoch: epoch.rawValue, worker: worker.rawValue, records: records, ended: ended)) }
        try inner.write(epoch: epoch, worker: worker, records: records, ended: ended)
    }
}

/// A snapshot record of `key` in step `step` whose state is the UTF-8 of `state`.
func record(_ key: String, _ state: String, step: String = "flow.count") -> SnapshotRecord {
    SnapshotRecord(step: StepID(step), key: key, state: Array(state.utf8))
}
