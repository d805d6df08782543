import Foundation
import Sluice
import SluiceTesting
import Testing

/// `countWindow`: counts per key and window; sessions add their counts when merged.
@Suite struct CountWindowTests {
    typealias Event = WindowSupport.Event

    @Test func countsPerKeyAndWindow() throws {
        let events = [Event(1, "a"), Event(2, "b"), Event(3, "a"), Event(11, "a"), Event(2, "a")]
        let out = try WindowSupport.run(TestingSource(events), key: { $0.label }) { keyed in
            keyed.countWindow(
                "count", clock: WindowSupport.eventClock(),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map { "\($0.key)#\($0.value.window)=\($0.value.value)" }.sorted() == ["a#0=2", "a#1=1", "b#0=1"])
        #expect(out.late.items.map { "\($0.key)#\($0.value.window)" } == ["a#0"], "a's 2 s item came after 11 s closed window 0")
    }

    @Test func mergedSessionsAddTheirCounts() throws {
        let events = [Event(0, "a"), Event(1, "a"), Event(8, "a"), Event(4, "a")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.countWindow("count", clock: WindowSupport.eventClock(wait: .seconds(10)), windower: SessionWindower(gap: .seconds(4)))
        }
        #expect(out.down.items.map(\.value.value) == [4])
        #expect(out.meta.items.map(\.value.meta.mergedIDs) == [[1]])
    }
}
