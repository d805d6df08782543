import Foundation
import Sluice
import SluiceTesting
import Testing

/// `reduceWindow`: combines values per window, merged sessions included.
@Suite struct ReduceWindowTests {
    typealias Event = WindowSupport.Event

    @Test func reducesEachWindow() throws {
        let events = [Event(1, "a"), Event(2, "b"), Event(12, "c"), Event(15, "d")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.reduceWindow(
                "join", clock: WindowSupport.eventClock(),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
            ) { Event($1.second, $0.label + $1.label) }
        }
        #expect(out.down.items.map(\.value.value.label) == ["ab", "cd"])
    }

    @Test func mergedSessionsAreReducedInOrder() throws {
        let events = [Event(0, "a"), Event(10, "c"), Event(5, "b")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.reduceWindow("join", clock: WindowSupport.eventClock(wait: .seconds(20)), windower: SessionWindower(gap: .seconds(5))) {
                Event($1.second, $0.label + $1.label)
            }
        }
        #expect(out.down.items.map(\.value.value.label) == ["acb"], "a's and c's sessions merge, then b joins")
    }
}
