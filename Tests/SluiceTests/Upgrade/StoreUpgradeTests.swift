import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// A store written by snapshot format 1 (a committed fixture,
/// `Fixtures/store-format-1`) resumes in this version: the fixture's run plus
/// the resumed run give what one uninterrupted run gives, on 1 and 2
/// workers. When a later version changes the format, this test keeps old
/// stores honest: they resume, or are refused naming both versions.
///
/// To write the fixture anew (only with a new snapshot format, as
/// `store-format-N`): `SLUICE_WRITE_STORE_FIXTURE=1 swift test --filter writeTheFixture`.
@Suite struct StoreUpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-format-1")
    static let firstRunFile = "first-run-output.txt"

    static func reference() throws -> [String] {
        let sink = TestingSink<String>()
        try run(UpgradeFixtureFlow.make(limit: nil, sink: sink), workers: 1)
        return sink.items.sorted()
    }

    /// A copy of the fixture in a fresh directory (a run writes to its store).
    static func copyOfFixture() throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("store-upgrade-\(UUID())")
        try FileManager.default.copyItem(at: fixture, to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent(firstRunFile))
        return copy.path
    }

    @Test(arguments: [1, 2])
    func theFormat1FixtureResumesExactly(workers: Int) throws {
        let firstRun = try String(contentsOf: Self.fixture.appendingPathComponent(Self.firstRunFile), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(firstRun.count == 2 * UpgradeFixtureFlow.readBeforeStop, "the fixture's run wrote one count per reading read")
        let directory = try Self.copyOfFixture()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let flow = UpgradeFixtureFlow.make(limit: nil, sink: TestingSink<String>())
        let store = try SQLiteRecoveryStore(directory: directory, flowID: flow.id)
        #expect(try store.committedEpoch() != nil, "the fixture holds a committed epoch")

        let sink = TestingSink<String>()
        var configuration = RunConfiguration(workers: workers)
        configuration.recoveryStore = store
        try run(UpgradeFixtureFlow.make(limit: nil, sink: sink), configuration: configuration)
        let resumed = sink.items
        #expect(!resumed.contains { $0.hasPrefix("late") }, "the downtime since the fixture was written moved no watermark")
        #expect((firstRun + resumed).sorted() == (try Self.reference()), "format 1 state did not resume exactly")
    }

    /// Writes the fixture: a 2-worker run stopped (suspended) once it read
    /// `readBeforeStop` readings of each partition and committed them.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SLUICE_WRITE_STORE_FIXTURE"] == "1", "writes the committed fixture on request"))
    func writeTheFixture() throws {
        try? FileManager.default.removeItem(at: Self.fixture)
        try FileManager.default.createDirectory(at: Self.fixture, withIntermediateDirectories: true)
        let sink = TestingSink<String>()
        let flow = UpgradeFixtureFlow.make(limit: UpgradeFixtureFlow.readBeforeStop, sink: sink)
        var configuration = RunConfiguration(workers: 2)
        configuration.epochInterval = .milliseconds(20)
        let store = try SQLiteRecoveryStore(directory: Self.fixture.path, flowID: flow.id, partitions: 2)
        configuration.recoveryStore = store
        let running = start(flow, configuration: configuration)
        let giveUp = ContinuousClock.now + .seconds(60)
        while sink.items.count < 2 * UpgradeFixtureFlow.readBeforeStop {
            try #require(ContinuousClock.now < giveUp && !running.isFinished, "the run did not read its readings")
            Thread.sleep(forTimeInterval: 0.01)  // polling the sink, bounded above
        }
        let read = try store.committedEpoch()
        while try store.committedEpoch() == read {
            try #require(ContinuousClock.now < giveUp && !running.isFinished, "nothing committed after the readings")
            Thread.sleep(forTimeInterval: 0.01)  // polling the store, bounded above
        }
        running.stop()
        try #require(try running.wait(timeout: .seconds(60)))
        let output = sink.items.sorted().joined(separator: "\n") + "\n"
        try output.write(to: Self.fixture.appendingPathComponent(Self.firstRunFile), atomically: true, encoding: .utf8)
    }
}
