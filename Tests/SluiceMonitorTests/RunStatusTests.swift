import Foundation
import Sluice
import SluiceRecovery
import Testing

@Suite(.timeLimit(.minutes(2)))
struct RunStatusTests {
    @Test func aFailureOutlivesTheStopAndANewStartClearsIt() {
        let status = RunStatus()
        #expect(status.current.phase == .starting && !status.isReady)
        status.enter(.running)
        #expect(status.isReady)
        status.fail("boom")
        status.enter(.stopped)
        #expect(status.current.phase == .failed)
        #expect(status.current.reason == "boom")
        #expect(!status.current.isAlive)
        status.enter(.starting)
        #expect(status.current.phase == .starting && status.current.reason == nil)
    }

    @Test func aStopDuringStartUpIsNotUndone() {
        let status = RunStatus()
        status.enter(.stopping)
        status.enter(.running)
        #expect(status.current.phase == .stopping)
        #expect(!status.isReady)
    }

    @Test func aStopHeardAfterTheEndDoesNotReopenTheRun() {
        let status = RunStatus()
        status.enter(.running)
        status.enter(.stopped)
        status.enter(.stopping)
        #expect(status.current.phase == .stopped)
    }

    @Test func theTimelineKeepsTheLatestEntries() {
        let status = RunStatus()
        for epoch in 1...UInt64(RunStatus.timelineLength + 50) { status.recordCommitted(Epoch(epoch)) }
        let timeline = status.current.timeline
        #expect(timeline.count == RunStatus.timelineLength)
        #expect(timeline.last?.epoch == UInt64(RunStatus.timelineLength + 50))
        #expect(status.current.committedEpoch == UInt64(RunStatus.timelineLength + 50))
    }

    /// The engine reports snapshots and commits of a run with a recovery store.
    @Test func aRecoveringRunReportsSnapshotsAndCommits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let flow = makeEndlessFlow("snap")
        let status = RunStatus()
        var configuration = RunConfiguration(workers: 2, epochInterval: .milliseconds(50))
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory.path, flowID: flow.id)
        configuration.status = status
        let running = start(flow, configuration: configuration)
        defer { running.stop() }
        let deadline = Date(timeIntervalSinceNow: 30)
        while (status.current.committedEpoch ?? 0) < 3 && Date() < deadline && !running.isFinished {
            Thread.sleep(forTimeInterval: 0.02)  // a poll interval
        }
        let now = status.current
        #expect((now.committedEpoch ?? 0) >= 3)
        #expect(now.timeline.contains { $0.kind == .snapshot && $0.worker == 0 })
        #expect(now.timeline.contains { $0.kind == .snapshot && $0.worker == 1 })
        #expect(now.timeline.contains { $0.kind == .committed })
        #expect(now.workerCount == 2 && now.localWorkers == [0, 1])
        #expect(Set(now.partitions["snap.in"]?.keys.map { $0 } ?? []) == ["p0", "p1", "p2"])
        running.stop()
        try running.wait()
        #expect(status.current.phase == .stopped)
    }
}
