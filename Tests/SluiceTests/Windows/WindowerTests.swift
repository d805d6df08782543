import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Tumbling, sliding and session windowers: which windows an instant falls in
/// (Bytewax's documented sliding-window cases), and settings rejected at build.
@Suite struct WindowerTests {
    typealias Event = WindowSupport.Event

    /// (length, offset, item second, expected window ids)
    static let slidingCases: [(Double, Double, Double, [WindowID])] = [
        (10, 5, 13, [1, 2]), (10, 5, -3, [-2, -1]), (10, 5, 3, [-1, 0]), (10, 5, 7, [0, 1]),
        (10, 5, 15, [2, 3]), (10, 5, -5, [-2, -1]), (10, 5, 0, [-1, 0]), (10, 5, 10, [1, 2]),
        (10, 3, 11, [1, 2, 3]), (10, 3, 11.5, [1, 2, 3]), (10, 3, -1, [-3, -2, -1]), (10, 3, -1.5, [-3, -2, -1]),
        (10, 3, 5, [-1, 0, 1]), (10, 7, 14, [1, 2]), (10, 7, -7, [-2, -1]), (10, 7, 0, [-1, 0]),
        (10, 7, 17, [2]), (10, 7, -4, [-1]), (10, 7, 10, [1]),
        (10, 10, 15, [1]), (10, 10, -5, [-1]), (10, 10, 5, [0]), (10, 10, 20, [2]), (10, 10, -10, [-1]),
        (10, 10, 0, [0]), (10, 10, 10, [1]),
    ]

    @Test(arguments: slidingCases)
    func anItemFallsInTheWindowsThatContainIt(shape: (Double, Double, Double, [WindowID])) throws {
        let (length, offset, second, expected) = shape
        let out = try WindowSupport.run(TestingSource([Event(second, "x")])) { keyed in
            keyed.countWindow(
                "count", clock: WindowSupport.eventClock(),
                windower: SlidingWindower(length: .seconds(length), offset: .seconds(offset), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map(\.value.window).sorted() == expected)
        for item in out.meta.items {
            let open = WindowSupport.at(Double(item.value.window.rawValue) * offset)
            #expect(item.value.meta.openTime == open && item.value.meta.closeTime == open.addingTimeInterval(length))
        }
    }

    @Test func alignmentGivesTheSameWindowsWhateverTheFirstItem() throws {
        let windower = TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
        let early = try WindowSupport.run(TestingSource([Event(3, "a"), Event(27, "b")])) { keyed in
            keyed.countWindow("count", clock: WindowSupport.eventClock(wait: .seconds(60)), windower: windower)
        }
        let late = try WindowSupport.run(TestingSource([Event(27, "b"), Event(3, "a")])) { keyed in
            keyed.countWindow("count", clock: WindowSupport.eventClock(wait: .seconds(60)), windower: windower)
        }
        #expect(early.down.items.map(\.value.window) == [0, 2])
        #expect(late.down.items.map(\.value.window) == [0, 2])
    }

    static let badWindowers: [(any Windower, String)] = [
        (TumblingWindower(length: .zero, alignTo: WindowSupport.origin), "length must be more than zero"),
        (TumblingWindower(length: .seconds(-1), alignTo: WindowSupport.origin), "length must be more than zero"),
        (SlidingWindower(length: .seconds(5), offset: .seconds(10), alignTo: WindowSupport.origin), "must not exceed length"),
        (SlidingWindower(length: .seconds(5), offset: .zero, alignTo: WindowSupport.origin), "offset must be more than zero"),
        (SlidingWindower(length: .seconds(-5), offset: .seconds(1), alignTo: WindowSupport.origin), "length must be more than zero"),
        (SessionWindower(gap: .zero), "gap must be more than zero"),
        (SessionWindower(gap: .seconds(-3)), "gap must be more than zero"),
    ]

    @Test(arguments: 0..<badWindowers.count)
    func badSettingsAreRejectedAtBuildNamingTheStep(index: Int) throws {
        let (windower, reason) = Self.badWindowers[index]
        let flow = Dataflow("bad")
        flow.input("events", TestingSource([Event(0, "a")])).keyOn("key") { _ in "k" }
            .countWindow("count", clock: WindowSupport.eventClock(), windower: windower)
            .down.output("out", TestingSink())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == "bad.count")
        #expect("\(error)".contains(reason), "\(error)")
        // And run refuses it the same way, before reading anything.
        #expect(try expectRunFails(flow, workers: 1).step == "bad.count")
    }
}
