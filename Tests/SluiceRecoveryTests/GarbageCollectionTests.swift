import Foundation
import Sluice
import SluiceTestSupport
import Testing

@testable import SluiceRecovery

/// Garbage collection in the SQLite store: files stop growing under updates
/// to the same keys, a backup interval keeps what it promises, and a store
/// reopened at any point resumes with exactly the state the in-memory store
/// (which keeps everything) gives for the same writes.
@Suite struct GarbageCollectionTests {
    private func makeStore(_ directory: String, partitions: Int = 2, backupEpochs: Int = 0) throws -> SQLiteRecoveryStore {
        let store = try SQLiteRecoveryStore(directory: directory, flowID: "gc", partitions: partitions, backupEpochs: backupEpochs)
        store.sweepEveryEpochs = 1
        store.sweepMinimumSeconds = 0
        return store
    }

    private func record(_ key: String, _ value: Int?, step: StepID = "gc.count") -> SnapshotRecord {
        SnapshotRecord(step: step, key: key, state: value.map { Array(String($0).utf8) })
    }

    private func rows(_ store: SQLiteRecoveryStore) throws -> [Int] {
        try store.partitions.map { partition in
            try partition.withConnection { Int(try $0.scalarInt("SELECT count(*) FROM snapshots") ?? 0) }
        }
    }

    private func epochs(of key: String, in store: SQLiteRecoveryStore) throws -> [Int64] {
        try store.partitions.flatMap { partition in
            try partition.withConnection { db in
                let query = try db.prepare("SELECT epoch FROM snapshots WHERE key = ?1 ORDER BY epoch")
                try query.bind(key, at: 1)
                var found: [Int64] = []
                while try query.step() { found.append(query.int64(at: 0)!) }
                return found
            }
        }
    }

    @Test func theFilesStopGrowingOverManyEpochsOfUpdatesToTheSameKeys() throws {
        let dir = try TemporaryDirectory()
        let store = try makeStore(dir.file("recovery"))
        try store.beginExecution(workerCount: 2)
        let keys = 10
        var most = [0, 0]
        for epoch in 1...300 {
            for worker in 0..<2 {
                let records = (0..<keys).map { record("w\(worker)-k\($0)", epoch) }
                try store.write(epoch: Epoch(UInt64(epoch)), worker: WorkerIndex(worker), records: records, ended: false)
            }
            most = zip(most, try rows(store)).map { max($0, $1) }
        }
        // Each key keeps its committed version and at most the one being written after it.
        #expect(most.allSatisfy { $0 <= 2 * keys }, "most rows per file: \(most)")
        let resume = try #require(try store.resumePoint())
        #expect(resume.epoch == Epoch(300))
        #expect(resume.states["gc.count"]?.count == 2 * keys)
        #expect(resume.states["gc.count"]?.values.allSatisfy { $0 == Array("300".utf8) } == true)
        #expect(try store.checkIntegrity() == [])
    }

    @Test(arguments: [1, 3, 7])
    func aBackupIntervalKeepsEveryVersionAResumeThatFarBackNeeds(backupEpochs: Int) throws {
        let dir = try TemporaryDirectory()
        let store = try makeStore(dir.file("recovery"), partitions: 1, backupEpochs: backupEpochs)
        try store.beginExecution(workerCount: 1)
        for epoch in 1...50 {
            // Key "busy" changes every epoch; "idle" only every tenth.
            var records = [record("busy", epoch)]
            if epoch % 10 == 1 { records.append(record("idle", epoch)) }
            try store.write(epoch: Epoch(UInt64(epoch)), worker: WorkerIndex(0), records: records, ended: false)
        }
        let committed = Int64(50)
        let threshold = committed - Int64(backupEpochs)
        // A resume from any epoch in [threshold, committed] finds its version; nothing older is left.
        #expect(try epochs(of: "busy", in: store) == Array(threshold...committed))
        #expect(try epochs(of: "idle", in: store) == [41])
    }

    @Test func aDiscardedKeyLeavesNothingBehindOnceNoResumeNeedsItsMarker() throws {
        let dir = try TemporaryDirectory()
        let store = try makeStore(dir.file("recovery"), partitions: 1)
        try store.beginExecution(workerCount: 2)
        try store.write(epoch: Epoch(1), worker: WorkerIndex(0), records: [record("gone", 1), record("kept", 1)], ended: false)
        try store.write(epoch: Epoch(1), worker: WorkerIndex(1), records: [], ended: false)
        try store.write(epoch: Epoch(2), worker: WorkerIndex(0), records: [record("gone", nil)], ended: false)
        #expect(try epochs(of: "gone", in: store) == [1, 2], "both are needed while epoch 2 is not committed")
        try store.write(epoch: Epoch(2), worker: WorkerIndex(1), records: [], ended: false)
        #expect(try epochs(of: "gone", in: store) == [], "committed: the marker hides nothing any more")
        #expect(try epochs(of: "kept", in: store) == [1])
        #expect(try store.resumePoint()?.states["gc.count"].map { Set($0.keys) } == ["kept"])
    }

    @Test func progressRowsOfEarlierExecutionsAreCollected() throws {
        let dir = try TemporaryDirectory()
        for execution in 1...4 {
            let store = try makeStore(dir.file("recovery"), partitions: 2)
            try store.beginExecution(workerCount: 2)
            for worker in 0..<2 {
                try store.write(epoch: Epoch(UInt64(execution * 10)), worker: WorkerIndex(worker),
                                records: [record("w\(worker)", execution)], ended: false)
            }
            try store.write(epoch: Epoch(UInt64(execution * 10 + 1)), worker: WorkerIndex(0), records: [], ended: false)
        }
        let summary = try SQLiteRecoveryStore.inspect(directory: dir.file("recovery"))
        #expect(summary.executions.map(\.id) == [4], "\(summary.executions)")
        #expect(summary.committedEpoch == 40)
    }

    /// A resume point's states without steps that have no live key.
    private func nonEmpty(_ point: ResumePoint?) -> [StepID: [String: [UInt8]]] {
        (point?.states ?? [:]).filter { !$0.value.isEmpty }
    }

    /// The oracle test: the same writes go to the SQLite store (collecting
    /// after every write) and to `InMemoryRecoveryStore` (keeping everything);
    /// a fresh SQLite store instance opened after any write resumes exactly
    /// as the in-memory store does. Two executions with a rescale in between
    /// (2 workers, then 3), keys that come, change, are discarded and come back.
    @Test(arguments: [0, 2])
    func aStoreReopenedAfterAnyWriteResumesWithTheFullState(backupEpochs: Int) throws {
        let dir = try TemporaryDirectory()
        let directory = dir.file("recovery")
        let oracle = InMemoryRecoveryStore()
        var epoch: UInt64 = 0
        for workerCount in [2, 3] {
            let store = try makeStore(directory, partitions: 2, backupEpochs: backupEpochs)
            let resume = try store.resumePoint()
            #expect(nonEmpty(resume) == nonEmpty(try oracle.resumePoint()))
            epoch = resume.map { $0.epoch.rawValue } ?? 0
            try store.beginExecution(workerCount: workerCount)
            try oracle.beginExecution(workerCount: workerCount)
            for _ in 0..<40 {
                epoch += 1
                for worker in 0..<workerCount {
                    // Each worker owns the keys that route to it, as the engine does.
                    // Scattered but reproducible choices, from the stable hash.
                    func pick(_ what: String, _ n: Int, below: Int) -> Int {
                        StableHash.route("\(what)-\(epoch)-\(worker)-\(n)", workerCount: below)
                    }
                    let records = (0..<4).compactMap { n -> SnapshotRecord? in
                        let key = "k\(pick("key", n, below: 24))"
                        guard StableHash.route(key, workerCount: workerCount) == worker else { return nil }
                        return record(key, pick("discard", n, below: 4) == 0 ? nil : Int(epoch))
                    }
                    let uniqueRecords = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { $1 }).values.map { $0 }
                    try store.write(epoch: Epoch(epoch), worker: WorkerIndex(worker), records: uniqueRecords, ended: false)
                    try oracle.write(epoch: Epoch(epoch), worker: WorkerIndex(worker), records: uniqueRecords, ended: false)
                    let reopened = try SQLiteRecoveryStore(directory: directory, flowID: "gc")
                    let expected = try oracle.resumePoint()
                    let actual = try reopened.resumePoint()
                    #expect(actual?.epoch == expected?.epoch)
                    #expect(nonEmpty(actual) == nonEmpty(expected), "epoch \(epoch), worker \(worker)")
                }
            }
            #expect(try store.checkIntegrity() == [])
        }
    }
}
