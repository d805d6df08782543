import Foundation
import SluiceEngine
import Testing

// Unit tests of the engine's keyed stateful node: one key table whose entries
// carry each key's logic, changed flag and due times (issue 17 §3), driven
// directly through the node's entry points, without a dataflow around it.

/// What a probe key does with one item.
enum ProbeCommand: Sendable {
    case add(Int)
    case notifyAt(Date?)
    case watermarkAt(Date?)
    case discard
    case fail
}

/// The probe's state: its sum and its wishes for timers (so they survive a restore).
struct ProbeState: Codable, Sendable, Equatable {
    var sum = 0
    var due: Date?
    var watermarkDue: Date?
}

struct ProbeFailure: Error {}

/// A logic that sums, asks for timers on command, and emits one line per call.
final class Probe: StatefulLogic {
    var state: ProbeState

    init(_ state: ProbeState?) { self.state = state ?? ProbeState() }

    func onItem(_ value: ProbeCommand, emit: inout KeyedEmitter<String>) throws -> StateAction {
        switch value {
        case .add(let amount): state.sum += amount
        case .notifyAt(let due): state.due = due
        case .watermarkAt(let due): state.watermarkDue = due
        case .discard:
            emit("discard")
            return .discard
        case .fail: throw ProbeFailure()
        }
        emit("item \(state.sum)")
        return .retain
    }

    func onNotify(emit: inout KeyedEmitter<String>) throws -> StateAction {
        state.due = nil
        emit("notify \(state.sum)")
        return .retain
    }

    func onWatermark(_ watermark: Date, emit: inout KeyedEmitter<String>) throws -> StateAction {
        state.watermarkDue = nil
        emit("watermark \(Int(watermark.timeIntervalSince1970))")
        return .retain
    }

    func onEOF(emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("eof \(state.sum)")
        return .retain
    }

    func notifyAt() -> Date? { state.due }
    func notifyAtWatermark() -> Date? { state.watermarkDue }
    func snapshot() -> ProbeState { state }
}

/// A node of probes and what it emitted, in order.
final class ProbeHarness {
    let node: StatefulNode<Probe>
    let store = InMemoryRecoveryStore()
    /// The worker's snapshot collector, with change tracking.
    let collector: SnapshotCollector?
    private(set) var emitted: [String] = []
    private(set) var signals: [SluiceEngine.Progress] = []
    /// Built probes, counted (a fresh logic for a new or discarded key).
    private(set) var builds = 0

    init(tracksChanges: Bool = false) throws {
        let output = Emitter<(key: String, value: String)>()
        if tracksChanges {
            try store.beginExecution(workerCount: 1)
            collector = SnapshotCollector(store: store, worker: WorkerIndex(0))
        } else {
            collector = nil
        }
        var built = { () in }
        node = StatefulNode<Probe>(step: StepID("probe"), worker: WorkerIndex(0), output: output, snapshots: collector) {
            built()
            return Probe($0)
        }
        built = { [unowned self] in self.builds += 1 }
        output.subscribe(
            ClosureConsumer(
                onBatch: { [unowned self] batch in self.emitted += batch.map { "\($0.key): \($0.value)" } },
                onProgress: { [unowned self] signal in self.signals.append(signal) }))
    }

    func send(_ items: [(String, ProbeCommand)]) throws {
        try node.receive(items.map { (key: $0.0, value: $0.1) })
    }

    /// Returns what was emitted since the last call.
    func take() -> [String] {
        defer { emitted = [] }
        return emitted
    }
}

private func at(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

@Suite("StatefulNode")
struct StatefulNodeTests {
    @Test func itemsReachTheirKeysLogicAndADiscardStartsAfresh() throws {
        let harness = try ProbeHarness()
        try harness.send([("a", .add(1)), ("b", .add(10)), ("a", .add(2))])
        #expect(harness.take() == ["a: item 1", "b: item 10", "a: item 3"])
        try harness.send([("a", .discard), ("a", .add(5))])
        #expect(harness.take() == ["a: discard", "a: item 5"])
        #expect(harness.node.state(of: "a")?.sum == 5)
        #expect(harness.node.state(of: "b")?.sum == 10)
        #expect(harness.builds == 3)
    }

    @Test func aTimerDueTimeLivesInTheKeysEntry() throws {
        let harness = try ProbeHarness()
        #expect(harness.node.nextTimer == nil)
        try harness.send([("b", .notifyAt(at(20))), ("a", .notifyAt(at(30))), ("c", .add(1))])
        _ = harness.take()
        #expect(harness.node.nextTimer == at(20))
        // Nothing is due before 20 s.
        try harness.node.fireTimers(now: at(19))
        #expect(harness.take().isEmpty)
        #expect(harness.node.nextTimer == at(20))
        try harness.node.fireTimers(now: at(30))
        // Both due keys fire, in key order; their logic cleared its wish.
        #expect(harness.take() == ["a: notify 0", "b: notify 0"])
        #expect(harness.node.nextTimer == nil)
    }

    @Test func aDueTimeMovedLaterIsFoundByTheNextScan() throws {
        let harness = try ProbeHarness()
        try harness.send([("a", .notifyAt(at(10))), ("b", .notifyAt(at(50)))])
        try harness.send([("a", .notifyAt(at(40)))])
        _ = harness.take()
        // The earliest may be stale-early (10 s); it is never later than a real due time.
        #expect(try #require(harness.node.nextTimer) <= at(40))
        try harness.node.fireTimers(now: at(12))
        #expect(harness.take().isEmpty)
        #expect(harness.node.nextTimer == at(40))
        // A key that drops its wish leaves no timer behind.
        try harness.send([("a", .notifyAt(nil)), ("b", .notifyAt(nil))])
        try harness.node.fireTimers(now: at(100))
        #expect(harness.take() == ["a: item 0", "b: item 0"])
        #expect(harness.node.nextTimer == nil)
    }

    @Test func aDiscardedKeysTimerNeverFires() throws {
        let harness = try ProbeHarness()
        try harness.send([("a", .notifyAt(at(10))), ("a", .discard)])
        _ = harness.take()
        try harness.node.fireTimers(now: at(20))
        #expect(harness.take().isEmpty)
        #expect(harness.node.nextTimer == nil)
        #expect(harness.node.state(of: "a") == nil)
    }

    @Test func watermarkDueKeysAreCalledInKeyOrderOnceReached() throws {
        let harness = try ProbeHarness()
        try harness.send([("c", .watermarkAt(at(5))), ("a", .watermarkAt(at(5))), ("b", .watermarkAt(at(9)))])
        _ = harness.take()
        try harness.node.progress(.watermark(Watermark(time: at(4), idle: false)))
        #expect(harness.take().isEmpty)
        try harness.node.progress(.watermark(Watermark(time: at(6), idle: false)))
        #expect(harness.take() == ["a: watermark 6", "c: watermark 6"])
        // A watermark that does not rise calls nobody.
        try harness.node.progress(.watermark(Watermark(time: at(6), idle: false)))
        #expect(harness.take().isEmpty)
        try harness.node.progress(.watermark(Watermark(time: at(9), idle: false)))
        #expect(harness.take() == ["b: watermark 9"])
        // Watermarks pass downstream.
        #expect(harness.signals.count == 4)
    }

    @Test func changedKeysAreTrackedOncePerSnapshotAndDiscardsAreRecorded() throws {
        let harness = try ProbeHarness(tracksChanges: true)
        try harness.send([("b", .add(1)), ("a", .add(1)), ("b", .add(1))])
        #expect(harness.node.changedKeys == ["b", "a"])
        let first = try harness.node.takeChangedRecords()
        #expect(first.map(\.key) == ["b", "a"])
        #expect(try first.map { try JSONDecoder().decode(ProbeState.self, from: Data(#require($0.state))).sum } == [2, 1])
        #expect(harness.node.changedKeys.isEmpty)
        // The next epoch: one changed key, one discarded key (recorded without state).
        try harness.send([("a", .add(1)), ("b", .discard)])
        let second = try harness.node.takeChangedRecords()
        #expect(second.map(\.key) == ["a", "b"])
        #expect(second.map { $0.state == nil } == [false, true])
        // Nothing changed: nothing to record.
        #expect(try harness.node.takeChangedRecords().isEmpty)
    }

    @Test func timersAndWatermarkWakeUpsMarkKeysChanged() throws {
        let harness = try ProbeHarness(tracksChanges: true)
        try harness.send([("a", .notifyAt(at(1))), ("b", .watermarkAt(at(1)))])
        _ = try harness.node.takeChangedRecords()
        try harness.node.fireTimers(now: at(2))
        #expect(harness.node.changedKeys == ["a"])
        try harness.node.progress(.watermark(Watermark(time: at(2), idle: false)))
        #expect(harness.node.changedKeys == ["a", "b"])
    }

    @Test func aBarrierWritesTheChangedStatesToTheStore() throws {
        let harness = try ProbeHarness(tracksChanges: true)
        try harness.send([("a", .add(3)), ("b", .add(4))])
        try harness.node.progress(.barrier(Epoch(1)))
        try harness.send([("a", .discard)])
        try harness.node.progress(.suspend)
        // Waits until the writer thread made both epochs durable.
        try #require(harness.collector).finish()
        #expect(harness.store.committedEpoch == Epoch(2))
        let resume = try #require(try harness.store.resumePoint())
        let states = resume.states[StepID("probe")] ?? [:]
        #expect(states.keys.sorted() == ["b"])
        #expect(try JSONDecoder().decode(ProbeState.self, from: Data(#require(states["b"]))).sum == 4)
    }

    @Test func restoreBringsBackStatesAndDueTimesUnchanged() throws {
        let harness = try ProbeHarness(tracksChanges: true)
        try harness.node.restore([
            "a": ProbeState(sum: 1, due: at(30)),
            "b": ProbeState(sum: 2, due: at(20), watermarkDue: at(7)),
        ])
        #expect(harness.node.changedKeys.isEmpty)
        #expect(harness.node.nextTimer == at(20))
        try harness.node.fireTimers(now: at(25))
        #expect(harness.take() == ["b: notify 2"])
        try harness.node.progress(.watermark(Watermark(time: at(8), idle: false)))
        #expect(harness.take() == ["b: watermark 8"])
        #expect(harness.builds == 2)
    }

    @Test func theEndFlushesEveryKeyInKeyOrderAndSuspendFlushesNothing() throws {
        let ended = try ProbeHarness()
        try ended.send([("c", .add(3)), ("a", .add(1)), ("b", .add(2))])
        _ = ended.take()
        try ended.node.progress(.end)
        #expect(ended.take() == ["a: eof 1", "b: eof 2", "c: eof 3"])
        #expect(ended.signals.count == 1)

        let suspended = try ProbeHarness(tracksChanges: true)
        try suspended.send([("a", .add(1))])
        _ = suspended.take()
        try suspended.node.progress(.suspend)
        try #require(suspended.collector).finish()
        #expect(suspended.take().isEmpty)
        #expect(suspended.node.state(of: "a")?.sum == 1)
    }

    @Test func aThrowingLogicNamesTheStepAndKeepsTheTable() throws {
        let harness = try ProbeHarness()
        try harness.send([("a", .add(1))])
        let error = #expect(throws: DataflowError.self) { try harness.send([("b", .add(1)), ("a", .fail)]) }
        #expect(String(describing: try #require(error)).contains("probe"))
        // The table was put back after the throw: earlier keys are still there.
        #expect(harness.node.state(of: "a")?.sum == 1)
        #expect(harness.node.state(of: "b")?.sum == 1)
    }
}
