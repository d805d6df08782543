import SluiceEngine
import Testing

/// One worker's `SnapshotCollector`: it writes each epoch once, in order,
/// only after every snapshotting node of the worker passed its barrier, with
/// exactly the records reported for it (the keys that changed), and marks
/// the last write `ended` once every node ended.
@Suite struct SnapshotCollectorTests {
    let store = RecordingStore()

    func collector(every: UInt64 = 1) -> SnapshotCollector {
        SnapshotCollector(store: store, worker: WorkerIndex(3), every: every)
    }

    @Test func anEpochIsWrittenOnlyOnceEveryNodePassedIt() throws {
        let collector = collector()
        let counts = collector.register()
        let windows = collector.register()

        try collector.report(counts, epoch: Epoch(1), records: [record("a", "1")])
        #expect(collector.lastWritten == nil, "epoch 1 was written before the second node passed it")
        try collector.report(windows, epoch: Epoch(1), records: [record("w", "open", step: "flow.win")])
        #expect(collector.lastWritten == Epoch(1))
        try collector.reportEnd(counts, epoch: Epoch(2), records: [])
        try collector.reportEnd(windows, epoch: Epoch(2), records: [])
        try collector.finish()

        #expect(store.writes.map(\.epoch) == [1, 2])
        #expect(store.writes.allSatisfy { $0.worker == 3 })
        #expect(Set(store.writes[0].records) == [record("a", "1"), record("w", "open", step: "flow.win")])
    }

    @Test func eachEpochIsWrittenOnceInOrderWithOnlyItsOwnRecords() throws {
        let collector = collector()
        let fast = collector.register()
        let slow = collector.register()
        // The fast node runs three epochs ahead; nothing may be written until the slow one follows.
        try collector.report(fast, epoch: Epoch(1), records: [record("a", "1")])
        try collector.report(fast, epoch: Epoch(2), records: [record("b", "1")])
        try collector.report(fast, epoch: Epoch(3), records: [])
        #expect(collector.lastWritten == nil)
        // The slow node passes epoch 3 at once (it had nothing in 1 and 2): 1, 2 and 3 complete together.
        try collector.report(slow, epoch: Epoch(3), records: [record("c", "1", step: "flow.other")])
        try collector.report(fast, epoch: Epoch(4), records: [record("a", "2")])
        try collector.report(slow, epoch: Epoch(4), records: [])
        try collector.reportEnd(fast, epoch: Epoch(5), records: [])
        try collector.reportEnd(slow, epoch: Epoch(5), records: [])
        try collector.finish()

        let writes = store.writes
        #expect(writes.map(\.epoch) == [1, 2, 3, 4, 5], "one write per epoch, in order")
        // Changed keys only: a key appears in the epoch it was reported for, never again after.
        #expect(writes.map { $0.records.map(\.key) } == [["a"], ["b"], ["c"], ["a"], []])
        #expect(writes[3].records == [record("a", "2")])
    }

    @Test func onlyTheLastWriteIsMarkedEnded() throws {
        let collector = collector()
        let first = collector.register()
        let second = collector.register()
        try collector.report(first, epoch: Epoch(1), records: [])
        try collector.report(second, epoch: Epoch(1), records: [])
        // The first node ends in epoch 2 and counts as past every later epoch.
        try collector.reportEnd(first, epoch: Epoch(2), records: [record("x", "final")])
        try collector.report(second, epoch: Epoch(2), records: [])
        try collector.report(second, epoch: Epoch(3), records: [])
        #expect(collector.lastWritten == Epoch(3), "an ended node held back later epochs")
        try collector.reportEnd(second, epoch: Epoch(4), records: [record("y", "final")])
        try collector.finish()

        let writes = store.writes
        #expect(writes.map(\.epoch) == [1, 2, 3, 4])
        #expect(writes.map(\.ended) == [false, false, false, true])
        #expect(writes[1].records == [record("x", "final")])
        #expect(writes[3].records == [record("y", "final")])
    }

    @Test func epochsBetweenSnapshotEpochsCarryTheirRecordsForward() throws {
        let collector = collector(every: 2)
        let node = collector.register()
        try collector.report(node, epoch: Epoch(1), records: [record("a", "1"), record("b", "1")])
        try collector.report(node, epoch: Epoch(2), records: [record("a", "2")])
        try collector.report(node, epoch: Epoch(3), records: [record("c", "1")])
        try collector.reportEnd(node, epoch: Epoch(4), records: [])
        try collector.finish()

        let writes = store.writes
        #expect(writes.map(\.epoch) == [2, 4], "only every second epoch is written")
        // Epoch 1's records come first, so the later state of `a` wins when read in order.
        #expect(writes[0].records == [record("a", "1"), record("b", "1"), record("a", "2")])
        #expect(writes[1].records == [record("c", "1")])
        #expect(writes.map(\.ended) == [false, true])
    }

    @Test func theLastEpochIsWrittenEvenWhenItIsNoSnapshotEpoch() throws {
        let collector = collector(every: 10)
        let node = collector.register()
        try collector.report(node, epoch: Epoch(1), records: [record("a", "1")])
        try collector.reportEnd(node, epoch: Epoch(2), records: [record("a", "2")])
        try collector.finish()

        #expect(store.writes.map(\.epoch) == [2])
        #expect(store.writes.first?.ended == true)
        #expect(store.writes.first?.records == [record("a", "1"), record("a", "2")])
    }

    @Test func nothingIsWrittenAfterTheEnd() throws {
        let collector = collector()
        let node = collector.register()
        try collector.reportEnd(node, epoch: Epoch(1), records: [record("a", "1")])
        try collector.report(node, epoch: Epoch(2), records: [record("late", "1")])
        try collector.finish()
        #expect(store.writes.map(\.epoch) == [1])
    }
}
