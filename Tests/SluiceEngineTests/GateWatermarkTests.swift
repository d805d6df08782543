import Foundation
import SluiceEngine
import Testing

/// How a gate merges its channels' watermarks: the minimum over active
/// channels, held in order behind barriers, without ended or idle channels,
/// never backwards.
@Suite struct GateWatermarkTests {
    static func mark(_ seconds: Double, idle: Bool = false) -> Delivery {
        .progress(.watermark(Watermark(time: Date(timeIntervalSince1970: seconds), idle: idle)))
    }

    @Test func theMergedWatermarkIsTheLowestOnceEveryChannelReported() throws {
        let g = RecordingGate(channels: 3)
        try g.watermark(0, 10)
        try g.watermark(1, 5)
        #expect(g.drain().isEmpty, "channel 2 has not reported: it holds the watermark back")
        try g.watermark(2, 7)
        #expect(g.drain() == [Self.mark(5)])
        try g.watermark(1, 20)
        #expect(g.drain() == [Self.mark(7)])
        try g.watermark(0, 8)  // channel 0 moves back below what was passed on: ignored
        #expect(g.drain().isEmpty)
    }

    @Test func aWatermarkBehindABarrierWaitsWithItsChannelsItems() throws {
        let g = RecordingGate(channels: 2)
        try g.watermark(0, 1)
        try g.watermark(1, 1)
        #expect(g.drain() == [Self.mark(1)])
        try g.barrier(0, 1)
        try g.batch(0, [10])
        try g.watermark(0, 50)  // held behind channel 0's barrier
        try g.watermark(1, 40)
        #expect(g.drain().isEmpty, "channel 0's watermark 50 is held, so the minimum is still 1")
        try g.barrier(1, 1)
        #expect(g.drain() == [.progress(.barrier(Epoch(1))), .batch(channel: 0, [10]), Self.mark(40)])
    }

    @Test func anEndedChannelNoLongerHoldsTheWatermarkBack() throws {
        let g = RecordingGate(channels: 2)
        try g.watermark(0, 30)
        try g.end(1)
        #expect(g.drain() == [Self.mark(30)])
        try g.end(0)
        #expect(g.drain() == [.progress(.end)])
    }

    @Test func idleChannelsAreLeftOutWhileAnotherIsActive() throws {
        let g = RecordingGate(channels: 3)
        try g.watermark(0, 100, idle: true)
        try g.watermark(1, 2, idle: true)
        try g.watermark(2, 50)
        #expect(g.drain() == [Self.mark(50)])
        try g.watermark(2, 60, idle: true)
        // All idle: the most advanced one, marked idle.
        #expect(g.drain() == [Self.mark(100, idle: true)])
        try g.watermark(1, 70)
        // Channel 1 is active again, behind: the watermark stays, active.
        #expect(g.drain() == [Self.mark(100)])
    }

    @Test func aChannelWithoutPartitionsCountsOnceItIsIdleOrEnded() throws {
        let g = RecordingGate(channels: 2)
        try g.watermark(0, 12)
        try g.watermark(1, Date.distantPast.timeIntervalSince1970, idle: true)
        #expect(g.drain() == [Self.mark(12)])
    }
}
