import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// The progress line's text and the sums it reads.
@Suite struct ProgressLineFormatTests {
    @Test func theLineShowsThePercentTheCountsTheRateAndTheTimeLeft() {
        let reading = RunProgress.Reading(done: 450_000, total: 1_000_000, unit: "messages", isMeasurable: true, partitions: 3)
        let text = ProgressLine.format(reading, elapsed: 3.75)
        #expect(text == "sluice: 45% read (450,000 of 1,000,000 messages), 120,000/s, ETA 0:05")
    }

    @Test func aFinishedReadSaysHowLongItTook() {
        let reading = RunProgress.Reading(done: 2_000, total: 2_000, unit: nil, isMeasurable: true, partitions: 2)
        #expect(ProgressLine.format(reading, elapsed: 61) == "sluice: 100% read (2,000 of 2,000), 33/s, done in 1:01")
    }

    @Test func partitionsAddUpAndAnEndlessOneMakesTheRunUnmeasurable() {
        let progress = RunProgress()
        progress.add(ReadProgress(done: 0, total: 100, unit: "messages"))
        progress.add(ReadProgress(done: 0, total: 50, unit: "messages"))
        progress.advance(by: 30)
        #expect(progress.current == .init(done: 30, total: 150, unit: "messages", isMeasurable: true, partitions: 2))
        progress.add(ReadProgress(done: 0, total: 10, unit: "bytes"))
        #expect(progress.current.unit == nil, "mixed units show no unit")
        progress.add(ReadProgress(done: 0, total: nil, unit: "messages"))
        #expect(!progress.current.isMeasurable)
    }

    @Test(arguments: [1, 3])
    func aFileRunReportsEveryByteOfItsFiles(workers: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var paths: [String] = []
        var bytes = 0
        for index in 0..<3 {
            let text = (0..<(500 * (index + 1))).map { "line \($0)" }.joined(separator: "\n") + "\n"
            try text.write(toFile: "\(directory)/\(index).txt", atomically: true, encoding: .utf8)
            paths.append("\(directory)/\(index).txt")
            bytes += text.utf8.count
        }
        let progress = RunProgress()
        var configuration = RunConfiguration(workers: workers)
        configuration.progress = progress
        let flow = Dataflow("progress_files")
        let sink = TestingSink<String>()
        flow.input("lines", FileSource(paths: paths)).output("out", sink)
        try expectRunSucceeds(flow, configuration: configuration)
        #expect(sink.items.count == 3000)
        let reading = progress.current
        #expect(reading == .init(done: Int64(bytes), total: Int64(bytes), unit: "bytes", isMeasurable: true, partitions: 3))
    }

    @Test func aSourceThatCannotMeasureItselfHidesTheLine() throws {
        let progress = RunProgress()
        var configuration = RunConfiguration(workers: 1)
        configuration.progress = progress
        let flow = Dataflow("progress_unmeasured")
        flow.input("numbers", TestingSource(Array(0..<10))).output("out", TestingSink<Int>())
        try expectRunSucceeds(flow, configuration: configuration)
        #expect(!progress.current.isMeasurable)
        let shown = Mutex<[String]>([])
        let line = ProgressLine(progress: progress, interval: 0.01) { text in shown.withLock { $0.append(text) } }
        line.start()
        line.stop()
        #expect(shown.withLock { $0 }.isEmpty)
    }
}
