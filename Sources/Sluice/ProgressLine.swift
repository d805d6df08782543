import Foundation
import SluiceEngine

/// The progress line of a finite run: one line on standard error, redrawn
/// in place (`\r`) twice a second, with what was read of the ends seen at
/// start, the rate and the time left. It shows only while every source
/// partition can say how far it is (a `tail: false` Kafka source, files);
/// a source that reads for ever hides it.
///
/// ```swift
/// let progress = RunProgress()
/// var configuration = RunConfiguration(workers: 2)
/// configuration.progress = progress
/// let line = ProgressLine(progress: progress)
/// line.start()
/// defer { line.stop() }
/// try run(flow, configuration: configuration)
/// ```
package final class ProgressLine: @unchecked Sendable {
    // @unchecked: `stopped` and `finished` are only touched under `condition`,
    // `shown` only on the line's thread; `progress` and `write` are immutable and Sendable.
    private let progress: RunProgress
    private let interval: TimeInterval
    private let write: @Sendable (String) -> Void
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false
    private var shown = false
    private let started = Date()

    /// - Parameters:
    ///   - progress: The run's progress (set it in the run's configuration).
    ///   - interval: Seconds between redraws.
    ///   - write: Where the text goes (standard error by default).
    package init(
        progress: RunProgress, interval: TimeInterval = 0.5,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.progress = progress
        self.interval = interval
        self.write = write
    }

    /// Starts redrawing on a background thread.
    package func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "sluice-progress"
        thread.start()
    }

    /// Draws the last state and ends the line (a run too short for a redraw
    /// still gets this one line); waits for the thread.
    package func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !stopped {
            condition.unlock()
            draw(final: false)
            condition.lock()
            if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
        }
        condition.unlock()
        draw(final: true)
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func draw(final: Bool) {
        let reading = progress.current
        guard reading.isMeasurable, reading.partitions > 0, reading.total > 0,
            let text = Self.format(reading, elapsed: Date().timeIntervalSince(started))
        else { return }
        shown = true
        write("\r" + text + "\u{1B}[K" + (final ? "\n" : ""))
    }

    /// The line for `reading` after `elapsed` seconds, e.g.
    /// `sluice: 45% read (450,000 of 1,000,000 messages), 120,000/s, ETA 0:05`.
    package static func format(_ reading: RunProgress.Reading, elapsed: TimeInterval) -> String? {
        guard reading.total > 0 else { return nil }
        let done = min(reading.done, reading.total)
        let percent = Int((Double(done) / Double(reading.total) * 100).rounded(.down))
        let unit = reading.unit.map { " " + $0 } ?? ""
        var text = "sluice: \(percent)% read (\(grouped(done)) of \(grouped(reading.total))\(unit))"
        if elapsed > 0, done > 0 {
            let rate = Double(done) / elapsed
            text += ", \(grouped(Int64(rate.rounded())))/s"
            if done < reading.total {
                text += ", ETA \(clock(Double(reading.total - done) / rate))"
            } else {
                text += ", done in \(clock(elapsed))"
            }
        }
        return text
    }

    /// 1234567 → "1,234,567".
    private static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// Seconds as `m:ss` or `h:mm:ss`.
    private static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
