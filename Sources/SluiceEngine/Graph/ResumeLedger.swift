import Synchronization

/// Which stored states each worker took from the resume point, kept only
/// when the run re-homes (decision 0018): every worker then writes, in its
/// first snapshot, every key it loaded, so the new layout's stores hold all
/// live state and older stores are no longer needed.
///
/// ```swift
/// let ledger = ResumeLedger(recording: true)
/// ledger.took(step: "flow.count", key: "apple", bytes: bytes, worker: WorkerIndex(0))
/// ledger.records(of: WorkerIndex(0)).count   // 1
/// ```
package final class ResumeLedger: Sendable {
    /// True when takes are recorded (a re-homing run).
    package let isRecording: Bool
    private let taken = Mutex<[Int: [SnapshotRecord]]>([:])

    /// - Parameter recording: Whether to keep what workers take.
    package init(recording: Bool) { isRecording = recording }

    /// A worker took a key's stored state.
    package func took(step: StepID, key: String, bytes: [UInt8], worker: WorkerIndex) {
        guard isRecording else { return }
        taken.withLock { $0[worker.rawValue, default: []].append(SnapshotRecord(step: step, key: key, state: bytes)) }
    }

    /// What `worker` took, once (the list is handed over and forgotten).
    package func records(of worker: WorkerIndex) -> [SnapshotRecord] {
        taken.withLock { $0.removeValue(forKey: worker.rawValue) ?? [] }
    }
}
