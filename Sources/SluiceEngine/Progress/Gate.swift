/// Aligns the progress of several input channels into one (aligned epoch
/// barriers, as in Chandy–Lamport / Flink).
///
/// A channel that has delivered barrier E is paused: its later items are held
/// until every channel has reached E. Then barrier E is released downstream and
/// the held items flow. So downstream sees every item of epoch E before the
/// barrier of E, and nothing of E+1 before it: the contract stateful steps and
/// snapshots rely on. An `end` or `suspend` counts as every barrier; once every
/// channel is at one of them, `suspend` goes downstream if any channel was
/// suspended (the stream stops to resume later), else `end`.
package final class Gate<Item> {
    private enum Held {
        case batch([Item])
        case progress(Progress)
    }

    private let channelCount: Int
    /// The barrier each channel is paused at, or nil while it flows.
    private var pausedAt: [Progress?]
    private var pausedCount = 0
    private var held: [[Held]]
    private var finished = false
    private var watermarks: WatermarkMerger
    private let deliverBatch: (_ channel: Int, _ batch: [Item]) throws -> Void
    private let deliverProgress: (Progress) throws -> Void

    /// - Parameters:
    ///   - channels: How many input channels feed this gate.
    ///   - deliverBatch: Called with every batch that may flow downstream now.
    ///   - deliverProgress: Called with every aligned progress signal, in order.
    package init(
        channels: Int,
        deliverBatch: @escaping (_ channel: Int, _ batch: [Item]) throws -> Void,
        deliverProgress: @escaping (Progress) throws -> Void
    ) {
        precondition(channels > 0, "a gate needs at least one channel")
        channelCount = channels
        pausedAt = Array(repeating: nil, count: channels)
        held = Array(repeating: [], count: channels)
        watermarks = WatermarkMerger(channels: channels)
        self.deliverBatch = deliverBatch
        self.deliverProgress = deliverProgress
    }

    /// True once `end` (or `suspend`) has been released downstream.
    package var isFinished: Bool { finished }

    /// Takes a batch from `channel`.
    package func push(channel: Int, batch: [Item]) throws {
        if pausedAt[channel] == nil {
            try deliverBatch(channel, batch)
        } else {
            held[channel].append(.batch(batch))
        }
    }

    /// Takes a progress signal from `channel`.
    package func push(channel: Int, progress: Progress) throws {
        if pausedAt[channel] == nil {
            if case .watermark(let mark) = progress {
                try merge(watermarks.update(channel: channel, mark))
                return
            }
            try pause(channel, at: progress)
            try releaseWhileAligned()
        } else {
            held[channel].append(.progress(progress))
        }
    }

    private func pause(_ channel: Int, at progress: Progress) throws {
        pausedAt[channel] = progress
        pausedCount += 1
        // Everything the channel sent came before its end: leave it out of the watermark.
        if progress.isTerminal { try merge(watermarks.end(channel: channel)) }
    }

    private func merge(_ changed: Watermark?) throws {
        if let changed, !finished { try deliverProgress(.watermark(changed)) }
    }

    private func releaseWhileAligned() throws {
        while pausedCount == channelCount, !finished {
            let lowest = pausedAt.lazy.compactMap { $0 }.min()!
            if lowest.isTerminal {
                finished = true
                try deliverProgress(pausedAt.contains(.suspend) ? .suspend : .end)
                return
            }
            try deliverProgress(lowest)
            for channel in 0..<channelCount where pausedAt[channel] == lowest {
                pausedAt[channel] = nil
                pausedCount -= 1
                try drainHeld(channel)
            }
        }
    }

    /// Delivers the held items of a channel up to its next progress signal.
    private func drainHeld(_ channel: Int) throws {
        var index = 0
        let queue = held[channel]
        defer { held[channel].removeFirst(min(index, held[channel].count)) }
        while index < queue.count {
            switch queue[index] {
            case .batch(let batch):
                index += 1
                try deliverBatch(channel, batch)
            case .progress(.watermark(let mark)):
                index += 1
                try merge(watermarks.update(channel: channel, mark))
            case .progress(let progress):
                index += 1
                try pause(channel, at: progress)
                return
            }
        }
    }
}
