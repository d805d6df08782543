import Foundation
import Sluice
import SluiceTesting
import Testing

/// `collectWindow`, with the collect example of Bytewax's getting-started
/// guide (two users, 10 s tumbling windows).
@Suite struct CollectWindowTests {
    typealias Event = WindowSupport.Event

    @Test(arguments: [1, 2, 3])
    func collectsEachUsersEventsPerWindow(workers: Int) throws {
        let events = [
            Event(0, "a"), Event(4, "a"), Event(5, "b"), Event(8, "a"), Event(12, "a"), Event(13, "a"), Event(14, "b"),
        ]
        let out = try WindowSupport.run(TestingSource(events), workers: workers, key: { $0.label }) { keyed in
            keyed.collectWindow(
                "collect", clock: WindowSupport.eventClock(),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin))
        }
        let results = out.down.items.map { "\($0.key)#\($0.value.window)=\($0.value.value.map(\.second))" }.sorted()
        #expect(results == ["a#0=[0.0, 4.0, 8.0]", "a#1=[12.0, 13.0]", "b#0=[5.0]", "b#1=[14.0]"])
        #expect(out.meta.items.count == 4)
    }

    @Test func theSystemClockPutsItemsInTheWindowOfTheirArrival() throws {
        let out = try WindowSupport.run(TestingSource((0..<5).map { Event(Double($0), "x\($0)") })) { keyed in
            keyed.collectWindow(
                "collect", clock: SystemClock(now: WindowSupport.frozenNow),
                windower: TumblingWindower(length: .seconds(60), alignTo: WindowSupport.origin))
        }
        #expect(out.down.items.map { $0.value.value.map(\.label) } == [["x0", "x1", "x2", "x3", "x4"]])
        let meta = try #require(out.meta.items.first?.value.meta)
        #expect(meta.openTime <= WindowSupport.frozenNow() && WindowSupport.frozenNow() < meta.closeTime)
        #expect(out.late.items.isEmpty, "nothing is late for the system clock")
    }
}
