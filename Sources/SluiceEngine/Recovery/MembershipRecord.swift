/// What one member store records about an execution it took part in,
/// durably, before the execution writes anything (decision 0018): which
/// process it was, the cluster's shape then, the execution's first epoch,
/// whether it re-homed its state, and the epoch below which a reader
/// ignores rows.
///
/// ```swift
/// let record = MembershipRecord(execution: 3, process: 1, processCount: 2, workerCount: 4,
///                               firstEpoch: 58, rehomed: true, floor: 0)
/// record.readFloor   // 58: after a committed re-home, older rows are ignored
/// ```
package struct MembershipRecord: Codable, Hashable, Sendable {
    /// The execution number (the same in every store of the cluster).
    package let execution: Int64
    /// The process whose own store this record is in.
    package let process: Int
    /// Processes in the execution.
    package let processCount: Int
    /// Workers in the whole execution.
    package let workerCount: Int
    /// The execution's first epoch (the resume epoch + 1; 1 on a fresh start).
    package let firstEpoch: Int64
    /// True when the execution re-writes, in its first snapshot, every key it loaded.
    package let rehomed: Bool
    /// The read floor in force when the execution began (0: none).
    package let floor: Int64

    /// Creates a record.
    package init(
        execution: Int64, process: Int, processCount: Int, workerCount: Int, firstEpoch: Int64, rehomed: Bool,
        floor: Int64
    ) {
        self.execution = execution
        self.process = process
        self.processCount = processCount
        self.workerCount = workerCount
        self.firstEpoch = firstEpoch
        self.rehomed = rehomed
        self.floor = floor
    }

    /// Rows older than this are ignored by a reader resuming from a commit of
    /// this execution: its first epoch when it re-homed (it committed at
    /// least that epoch, so every live key has a version there), else the
    /// floor it inherited.
    package var readFloor: Int64 { rehomed ? firstEpoch : floor }

    /// The workers of this record's process.
    package var workers: Range<Int> {
        let perProcess = processCount > 0 ? workerCount / processCount : workerCount
        return (process * perProcess)..<((process + 1) * perProcess)
    }
}
