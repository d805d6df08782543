import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// `joinWindow`: the insert and emit modes per window, sessions merging,
/// late values, and a generated two-sided stream against a naive reference
/// on 1, 2 and 3 workers.
@Suite struct JoinWindowTests {
    typealias Event = WindowSupport.Event
    typealias Side = JoinSide<Event, Event>
    typealias Row = (left: Event?, right: Event?)

    /// What a `joinWindow` run emitted.
    struct Joined {
        let down = TestingSink<(key: String, value: WindowResult<Row>)>()
        let late = TestingSink<(key: String, value: (window: WindowID, value: Side))>()
        let meta = TestingSink<(key: String, value: (window: WindowID, meta: WindowMetadata))>()

        /// Rows as "key#window=left|right" with labels, "-" for a missing side, in emit order.
        var rows: [String] {
            down.items.map { "\($0.key)#\($0.value.window)=\($0.value.value.left?.label ?? "-")|\($0.value.value.right?.label ?? "-")" }
        }
    }

    static func clock(wait: Duration = .zero) -> EventClock<Side> {
        EventClock(timestamp: { $0.either(left: \.time, right: \.time) }, waitForSystemDuration: wait, now: WindowSupport.frozenNow)
    }

    static let tumbling = TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)

    /// Joins `lefts` with `rights` (keyed by the label's first letter unless
    /// `key` says otherwise) and runs the flow, bounded.
    static func run(
        _ lefts: [Event], _ rights: [Event], workers: Int = 1, key: @escaping @Sendable (Event) -> String = { String($0.label.prefix(1)) },
        windower: some Windower = tumbling, wait: Duration = .zero,
        insertMode: JoinInsertMode = .last, emitMode: JoinEmitMode = .final, ordered: Bool = false,
        leftPartitions: [[Event]]? = nil, rightPartitions: [[Event]]? = nil
    ) throws -> Joined {
        let flow = Dataflow("joins")
        let left = flow.input("lefts", TestingSource(partitions: leftPartitions ?? [lefts], batchSize: 3)).keyOn("key_left", key)
        let right = flow.input("rights", TestingSource(partitions: rightPartitions ?? [rights], batchSize: 2)).keyOn("key_right", key)
        let out = left.joinWindow(
            "join", right, clock: clock(wait: wait), windower: windower, insertMode: insertMode, emitMode: emitMode,
            ordered: ordered)
        let joined = Joined()
        out.down.output("down_out", joined.down)
        out.late.output("late_out", joined.late)
        out.meta.output("meta_out", joined.meta)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers))
        return joined
    }

    @Test func finalModeEmitsTheLatestOfEachSideWhenTheWindowCloses() throws {
        // Left values arrive before right ones in event time, so nothing is late.
        let lefts = [Event(1, "a-l1"), Event(3, "a-l2"), Event(12, "a-l3"), Event(25, "b-l1")]
        let rights = [Event(30, "a-r1"), Event(31, "b-r1")]
        let out = try Self.run(lefts, rights, wait: .seconds(60))
        #expect(out.rows.sorted() == ["a#0=a-l2|-", "a#1=a-l3|-", "a#3=-|a-r1", "b#2=b-l1|-", "b#3=-|b-r1"])
        #expect(out.meta.items.count == 5)
        #expect(out.late.items.isEmpty)
    }

    @Test func finalModePairsBothSidesOfAWindow() throws {
        let lefts = [Event(1, "a-l1"), Event(4, "a-l2"), Event(11, "a-l3")]
        let rights = [Event(2, "a-r1"), Event(3, "a-r2"), Event(15, "a-r3")]
        let last = try Self.run(lefts, rights, wait: .seconds(60))
        #expect(last.rows.sorted() == ["a#0=a-l2|a-r2", "a#1=a-l3|a-r3"])
        let first = try Self.run(lefts, rights, wait: .seconds(60), insertMode: .first)
        #expect(first.rows.sorted() == ["a#0=a-l1|a-r1", "a#1=a-l3|a-r3"])
        let product = try Self.run(lefts, rights, wait: .seconds(60), insertMode: .product)
        #expect(product.rows.sorted() == ["a#0=a-l1|a-r1", "a#0=a-l1|a-r2", "a#0=a-l2|a-r1", "a#0=a-l2|a-r2", "a#1=a-l3|a-r3"])
    }

    @Test func completeModeEmitsOnceBothSidesAreThereAndStartsAgain() throws {
        // All on the left first, then all on the right (a generous allowance).
        let lefts = [Event(1, "a-l1"), Event(2, "a-l2"), Event(12, "a-l3")]
        let rights = [Event(3, "a-r1"), Event(4, "a-r2"), Event(5, "a-r3")]
        let out = try Self.run(lefts, rights, wait: .seconds(60), emitMode: .complete)
        // Window 0: l2 (last) meets r1 -> row, cleared; r2 and r3 then wait for a left that never comes.
        #expect(out.rows == ["a#0=a-l2|a-r1"])
        #expect(out.meta.items.count == 2, "both windows still close")
    }

    @Test func runningModeEmitsAfterEveryValue() throws {
        let lefts = [Event(1, "a-l1"), Event(2, "a-l2")]
        let rights = [Event(3, "a-r1")]
        let out = try Self.run(lefts, rights, wait: .seconds(60), emitMode: .running)
        #expect(out.rows == ["a#0=a-l1|-", "a#0=a-l2|-", "a#0=a-l2|a-r1"])
    }

    @Test func sessionsMergeTheirValuesByInsertMode() throws {
        // Two sessions (gap 5 s) bridged by a later left value at 6 s.
        let lefts = [Event(0, "a-l1"), Event(10, "a-l2"), Event(6, "a-l3")]
        let rights = [Event(1, "a-r1"), Event(11, "a-r2")]
        let session = SessionWindower(gap: .seconds(5))
        let partitions = (left: [lefts], right: [rights])
        let last = try Self.run(
            lefts, rights, windower: session, wait: .seconds(60),
            leftPartitions: partitions.left, rightPartitions: partitions.right)
        #expect(last.down.items.count == 1)
        let row = try #require(last.down.items.first?.value.value)
        // `.last` keeps the later session's values where it has some.
        #expect(row.right?.label == "a-r2")
        let first = try Self.run(lefts, rights, windower: session, wait: .seconds(60), insertMode: .first)
        #expect(first.down.items.first?.value.value.right?.label == "a-r1", "`.first` keeps the earlier session's")
        #expect(first.meta.items.first?.value.meta.mergedIDs.isEmpty == false, "the sessions merged")
    }

    @Test func lateValuesGoToLateTaggedWithTheirSide() throws {
        // A zero allowance: the right side's value at 30 s moves the watermark
        // past window 0 before its value at 2 s, whatever the interleaving
        // with the left side (whose value at 35 s is never late).
        let out = try Self.run([Event(35, "a-l1")], [Event(30, "a-r1"), Event(2, "a-r2")])
        #expect(out.late.items.map { "\($0.key)#\($0.value.window)" } == ["a#0"])
        #expect(out.late.items.first?.value.value == .right(Event(2, "a-r2")))
        #expect(out.rows.sorted() == ["a#3=a-l1|a-r1"])
    }

    @Test func aBadWindowerIsRejectedNamingTheStep() throws {
        let flow = Dataflow("joins")
        let left = flow.input("lefts", TestingSource([Event(0, "a")])).keyOn("kl") { _ in "k" }
        let right = flow.input("rights", TestingSource([Event(0, "b")])).keyOn("kr") { _ in "k" }
        left.joinWindow("join", right, clock: Self.clock(), windower: SessionWindower(gap: .zero))
            .down.output("out", TestingSink())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step?.description.hasPrefix("joins.join") == true, "\(error)")
        #expect("\(error)".contains("gap"))
    }

    /// Generated left and right values of several keys within 0–100 s; with an
    /// allowance longer than the whole span nothing is late, so the reference
    /// is exact whatever the interleaving of the two sides.
    @Test(arguments: [1, 2, 3], [JoinInsertMode.last, .first, .product])
    func matchesTheReference(workers: Int, insertMode: JoinInsertMode) throws {
        var random = WindowOracleTests.Generator(state: 77)
        func side(_ name: String, count: Int) -> [Event] {
            (0..<count).map { index in Event(Double(random.next(100)), "k\(random.next(5))-\(name)\(index)") }
        }
        let lefts = side("l", count: 300)
        let rights = side("r", count: 200)
        let key: @Sendable (Event) -> String = { String($0.label.prefix { $0 != "-" }) }
        // Each key's values of one side stay in one partition (their order matters for first/last).
        func partitions(_ events: [Event]) -> [[Event]] {
            var parts = [[Event]](repeating: [], count: 2)
            for event in events { parts[Int(key(event).dropFirst())! % 2].append(event) }
            return parts
        }
        let out = try Self.run(
            lefts, rights, workers: workers, key: key, wait: .seconds(200), insertMode: insertMode,
            leftPartitions: partitions(lefts), rightPartitions: partitions(rights))

        // Reference: per key and 10 s window, each side's kept values, then every combination.
        var kept: [String: (lefts: [String], rights: [String])] = [:]
        func keep(_ label: String, _ values: inout [String]) {
            switch insertMode {
            case .first: if values.isEmpty { values = [label] }
            case .last: values = [label]
            case .product: values.append(label)
            }
        }
        for event in lefts { keep(event.label, &kept["\(key(event))#\(Int(event.second / 10))", default: ([], [])].lefts) }
        for event in rights { keep(event.label, &kept["\(key(event))#\(Int(event.second / 10))", default: ([], [])].rights) }
        var expected: [String] = []
        for (window, sides) in kept {
            for left in sides.lefts.isEmpty ? ["-"] : sides.lefts {
                for right in sides.rights.isEmpty ? ["-"] : sides.rights { expected.append("\(window)=\(left)|\(right)") }
            }
        }
        #expect(out.rows.sorted() == expected.sorted())
        #expect(out.late.items.isEmpty)
        #expect(out.meta.items.count == kept.count)
    }
}
