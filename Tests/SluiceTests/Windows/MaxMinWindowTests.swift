import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// `maxWindow` and `minWindow`, by value and by a measure.
@Suite struct MaxMinWindowTests {
    typealias Event = WindowSupport.Event

    static let windower = TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin)
    static let seconds = EventClock<Int>(
        timestamp: { WindowSupport.at(Double($0 / 100)) }, waitForSystemDuration: .zero, now: WindowSupport.frozenNow)

    /// Values whose hundreds are their second: 0-9 s in window 0, 10-19 s in window 1.
    static func run(_ build: (KeyedStream<Int>) -> WindowOutput<Int, Int>) throws -> [Int] {
        let flow = Dataflow("extremes")
        let sink = TestingSink<(key: String, value: WindowResult<Int>)>()
        build(flow.input("values", TestingSource([105, 950, 420, 1_207, 1_999, 1_310])).keyOn("key") { _ in "k" })
            .down.output("out", sink)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 2))
        return sink.items.sorted { $0.value.window < $1.value.window }.map(\.value.value)
    }

    @Test func largestAndSmallestPerWindow() throws {
        #expect(try Self.run { $0.maxWindow("max", clock: Self.seconds, windower: Self.windower) } == [950, 1_999])
        #expect(try Self.run { $0.minWindow("min", clock: Self.seconds, windower: Self.windower) } == [105, 1_207])
    }

    @Test func byAMeasure() throws {
        // Compared by the negated value, so the largest measure is the smallest value.
        #expect(try Self.run { $0.maxWindow("max", clock: Self.seconds, windower: Self.windower) { -$0 } } == [105, 1_207])
        #expect(try Self.run { $0.minWindow("min", clock: Self.seconds, windower: Self.windower) { -$0 } } == [950, 1_999])
    }
}
