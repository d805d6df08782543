import Foundation
import SluiceEngine
import Testing

/// One worker's watermark from its partitions: minimum over the active ones,
/// idle ones left out, moving with system time once all are idle.
@Suite struct PartitionWatermarksTests {
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    @Test func theWatermarkIsTheLowestPartitionsLatestEventMinusTheAllowance() {
        var marks = PartitionWatermarks(restored: [nil, nil], allowance: 5, idleAfter: 10)
        let now = Self.at(1_000)
        marks.sawItems(0, maxEventTime: Self.at(100), now: Self.at(1_000))
        #expect(marks.next(now: now) == nil, "partition 1 has seen nothing: it holds the watermark back")
        marks.sawItems(1, maxEventTime: Self.at(50), now: Self.at(1_000))
        #expect(marks.next(now: now) == Watermark(time: Self.at(45), idle: false))
        marks.sawItems(1, maxEventTime: Self.at(40), now: Self.at(1_000))  // older than its latest: nothing moves
        #expect(marks.next(now: now) == nil)
    }

    @Test func aQuietPartitionTurnsIdleAndIsLeftOut() {
        var marks = PartitionWatermarks(restored: [nil, nil], allowance: 0, idleAfter: 10)
        marks.sawItems(0, maxEventTime: Self.at(100), now: Self.at(1_000))
        marks.sawNothing(1, now: Self.at(1_000))
        #expect(marks.next(now: Self.at(1_005)) == nil)
        #expect(marks.nextChange(now: Self.at(1_005)) == Self.at(1_010))
        #expect(marks.next(now: Self.at(1_010)) == Watermark(time: Self.at(100), idle: false))
        // Items again: active again, and behind, so the watermark stays.
        marks.sawItems(1, maxEventTime: Self.at(20), now: Self.at(1_000))
        #expect(marks.current(now: Self.at(1_011)) == Watermark(time: Self.at(100), idle: false))
    }

    @Test func whenEveryPartitionIsIdleTheWatermarkMovesWithSystemTime() {
        var marks = PartitionWatermarks(restored: [nil], allowance: 2, idleAfter: 1)
        marks.sawItems(0, maxEventTime: Self.at(100), now: Self.at(1_000))
        #expect(marks.next(now: Self.at(1_000)) == Watermark(time: Self.at(98), idle: false))
        marks.sawNothing(0, now: Self.at(1_000))
        #expect(marks.next(now: Self.at(1_003)) == Watermark(time: Self.at(101), idle: true))
        #expect(marks.next(now: Self.at(1_003.05)) == nil, "an idle watermark goes out at most every tick")
        #expect(marks.nextChange(now: Self.at(1_003.05)) == Self.at(1_003).addingTimeInterval(PartitionWatermarks.idleTick))
        #expect(marks.next(now: Self.at(1_004)) == Watermark(time: Self.at(102), idle: true))
    }

    @Test func restoredEventTimesGiveTheFirstWatermarkAndEndedPartitionsAreLeftOut() {
        var marks = PartitionWatermarks(restored: [Self.at(60), Self.at(30)], allowance: 0, idleAfter: 10)
        #expect(marks.next(now: Self.at(1_000)) == Watermark(time: Self.at(30), idle: false))
        marks.ended(1)
        #expect(marks.next(now: Self.at(1_000)) == Watermark(time: Self.at(60), idle: false))
        marks.ended(0)
        #expect(marks.current(now: Self.at(1_000)) == nil)
    }

    @Test func thePolicyIgnoresMissingNonFiniteAndFarFutureTimes() throws {
        let now = Self.at(1_000)
        let policy = WatermarkPolicy<Double?>(
            timestamp: { $0.map(Self.at) }, allowance: 0, idleAfter: 1, futureLimit: 60)
        #expect(try policy.maxEventTime(in: [10, nil, .infinity, 2_000, 900], now: now) == Self.at(900))
        #expect(try policy.maxEventTime(in: [nil, 5_000], now: now) == nil)
    }

    @Test func aPartitionWithoutUsableTimesTurnsIdleInsteadOfHoldingTheWatermarkBack() {
        var marks = PartitionWatermarks(restored: [nil, nil], allowance: 0, idleAfter: 10)
        marks.sawItems(0, maxEventTime: Self.at(100), now: Self.at(1_000))
        marks.sawItems(1, maxEventTime: nil, now: Self.at(1_000))
        #expect(marks.next(now: Self.at(1_005)) == nil)
        marks.sawItems(1, maxEventTime: nil, now: Self.at(1_009))
        #expect(marks.next(now: Self.at(1_010)) == Watermark(time: Self.at(100), idle: false))
    }
}
