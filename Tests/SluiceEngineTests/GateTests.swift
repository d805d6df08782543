import Foundation
import SluiceEngine
import Testing

/// The engine's progress signal (Foundation has a `Progress` too).
typealias Progress = SluiceEngine.Progress

/// What a gate delivered downstream, in order.
enum Delivery: Equatable, CustomStringConvertible {
    case batch(channel: Int, [Int])
    case progress(Progress)

    var description: String {
        switch self {
        case let .batch(channel, items): return "batch(\(channel), \(items))"
        case let .progress(progress): return "\(progress)"
        }
    }
}

/// A gate over `channels` channels that records every delivery.
final class RecordingGate {
    private(set) var deliveries: [Delivery] = []
    private(set) var gate: Gate<Int>!

    init(channels: Int) {
        gate = Gate<Int>(
            channels: channels,
            deliverBatch: { [unowned self] channel, batch in deliveries.append(.batch(channel: channel, batch)) },
            deliverProgress: { [unowned self] progress in deliveries.append(.progress(progress)) })
    }

    func batch(_ channel: Int, _ items: [Int]) throws { try gate.push(channel: channel, batch: items) }
    func barrier(_ channel: Int, _ epoch: UInt64) throws { try gate.push(channel: channel, progress: .barrier(Epoch(epoch))) }
    func end(_ channel: Int) throws { try gate.push(channel: channel, progress: .end) }
    func watermark(_ channel: Int, _ seconds: Double, idle: Bool = false) throws {
        try gate.push(channel: channel, progress: .watermark(Watermark(time: Date(timeIntervalSince1970: seconds), idle: idle)))
    }

    /// The deliveries since the last call.
    func drain() -> [Delivery] {
        defer { deliveries.removeAll() }
        return deliveries
    }

    var progressSignals: [Progress] {
        deliveries.compactMap { if case .progress(let p) = $0 { return p } else { return nil } }
    }
}

@Suite struct GateTests {
    @Test func batchesFlowWhileNoChannelIsPaused() throws {
        let g = RecordingGate(channels: 2)
        try g.batch(0, [1])
        try g.batch(1, [2, 3])
        try g.batch(0, [4])
        #expect(g.drain() == [.batch(channel: 0, [1]), .batch(channel: 1, [2, 3]), .batch(channel: 0, [4])])
    }

    @Test func itemsAfterABarrierAreHeldUntilEveryChannelReachesIt() throws {
        let g = RecordingGate(channels: 3)
        try g.barrier(0, 1)
        try g.batch(0, [10])  // epoch 2 on channel 0: held
        try g.batch(1, [20])  // epoch 1 on channel 1: flows
        #expect(g.drain() == [.batch(channel: 1, [20])])

        try g.barrier(1, 1)
        try g.batch(1, [21])  // held too
        try g.batch(2, [30])  // channel 2 still in epoch 1: flows
        #expect(g.drain() == [.batch(channel: 2, [30])])

        try g.barrier(2, 1)
        // The barrier goes first, then the held items of each channel in order.
        #expect(g.drain() == [.progress(.barrier(Epoch(1))), .batch(channel: 0, [10]), .batch(channel: 1, [21])])

        try g.batch(2, [31])
        #expect(g.drain() == [.batch(channel: 2, [31])])
    }

    @Test func heldItemsKeepTheirOrderAcrossSeveralBarriers() throws {
        let g = RecordingGate(channels: 2)
        try g.barrier(0, 1)
        try g.batch(0, [1])
        try g.barrier(0, 2)
        try g.batch(0, [2])
        try g.barrier(0, 3)
        try g.batch(0, [3])
        #expect(g.drain().isEmpty)

        try g.barrier(1, 1)
        #expect(g.drain() == [.progress(.barrier(Epoch(1))), .batch(channel: 0, [1])])
        try g.barrier(1, 2)
        #expect(g.drain() == [.progress(.barrier(Epoch(2))), .batch(channel: 0, [2])])
        try g.batch(1, [99])  // epoch 3 on channel 1: channel 0 is paused at 3, so this flows
        #expect(g.drain() == [.batch(channel: 1, [99])])
        try g.barrier(1, 3)
        #expect(g.drain() == [.progress(.barrier(Epoch(3))), .batch(channel: 0, [3])])
    }

    @Test func aBarrierIsReleasedOnceWithTheLowestEpoch() throws {
        let g = RecordingGate(channels: 3)
        try g.barrier(0, 2)
        try g.barrier(1, 1)
        try g.barrier(2, 1)
        // Channels 1 and 2 reached epoch 1; channel 0 skipped to 2 (an epoch
        // with no barrier of its own is covered by the later one).
        #expect(g.progressSignals == [.barrier(Epoch(1))])
        _ = g.drain()

        try g.batch(1, [5])  // channel 1 is free again
        try g.batch(0, [6])  // channel 0 still paused at 2
        #expect(g.drain() == [.batch(channel: 1, [5])])

        try g.barrier(1, 2)
        try g.barrier(2, 2)
        #expect(g.drain() == [.progress(.barrier(Epoch(2))), .batch(channel: 0, [6])])
    }

    @Test func aBarrierEveryChannelSendsIsReleasedExactlyOnce() throws {
        let g = RecordingGate(channels: 4)
        for channel in 0..<4 { try g.barrier(channel, 7) }
        #expect(g.drain() == [.progress(.barrier(Epoch(7)))])
        for channel in 0..<4 { try g.barrier(channel, 8) }
        #expect(g.drain() == [.progress(.barrier(Epoch(8)))])
    }

    @Test func endCountsAsEveryBarrier() throws {
        let g = RecordingGate(channels: 2)
        try g.end(0)
        try g.batch(1, [1])
        #expect(g.drain() == [.batch(channel: 1, [1])])

        try g.barrier(1, 1)
        #expect(g.drain() == [.progress(.barrier(Epoch(1)))])
        try g.batch(1, [2])
        try g.barrier(1, 2)
        #expect(g.drain() == [.batch(channel: 1, [2]), .progress(.barrier(Epoch(2)))])
        #expect(!g.gate.isFinished)

        try g.end(1)
        #expect(g.drain() == [.progress(.end)])
        #expect(g.gate.isFinished)
    }

    @Test func endIsReleasedOnceAfterEveryChannelEnds() throws {
        let g = RecordingGate(channels: 3)
        try g.end(2)
        try g.end(0)
        #expect(g.drain().isEmpty)
        #expect(!g.gate.isFinished)
        try g.end(1)
        #expect(g.drain() == [.progress(.end)])
        #expect(g.gate.isFinished)
    }

    @Test func heldItemsBeforeEndAreDeliveredBeforeEnd() throws {
        let g = RecordingGate(channels: 2)
        try g.barrier(0, 1)
        try g.batch(0, [1])
        try g.end(0)
        try g.end(1)
        #expect(g.drain() == [.progress(.barrier(Epoch(1))), .batch(channel: 0, [1]), .progress(.end)])
        #expect(g.gate.isFinished)
    }

    @Test func aSingleChannelGatePassesEverythingThrough() throws {
        let g = RecordingGate(channels: 1)
        try g.batch(0, [1])
        try g.barrier(0, 1)
        try g.batch(0, [2])
        try g.end(0)
        #expect(
            g.drain() == [
                .batch(channel: 0, [1]), .progress(.barrier(Epoch(1))), .batch(channel: 0, [2]), .progress(.end),
            ])
        #expect(g.gate.isFinished)
    }
}
