import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct FileSinkTests {
    private func lines(of path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"), "the last line of \(path) is not terminated")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func writesLinesInOrderOnOneWorker() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("out.txt").path
            let input = (0..<250).map { "line \($0)" }
            let flow = Dataflow("test")
            flow.input("in", TestingSource(input, batchSize: 8)).output("save", FileSink(path: path))
            try runToEnd(flow, workers: 1)
            #expect(try lines(of: path) == input)
        }
    }

    @Test func writesEveryLineOnEveryWorkerCount() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let partitions = (0..<3).map { p in (0..<120).map { "p\(p)-\($0)" } }
            for workers in workerCounts {
                let path = directory.appendingPathComponent("out-\(workers).txt").path
                let flow = Dataflow("test")
                flow.input("in", TestingSource(partitions: partitions, batchSize: 5))
                    .output("save", FileSink(path: path))
                try runToEnd(flow, workers: workers)
                let written = try lines(of: path)
                #expect(written.sorted() == Array(partitions.joined()).sorted(), "workers=\(workers)")
                for (index, partition) in partitions.enumerated() {
                    // Each partition comes from one worker through one channel: in order.
                    #expect(written.filter { $0.hasPrefix("p\(index)-") } == partition, "workers=\(workers)")
                }
            }
        }
    }

    @Test func writesEverythingAfterAnExchange() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            for workers in workerCounts {
                let path = directory.appendingPathComponent("spread-\(workers).txt").path
                let flow = Dataflow("test")
                flow.input("in", TestingSource(Array(0..<400), batchSize: 9))
                    .redistribute("spread")
                    .map("format") { "n=\($0)" }
                    .output("save", FileSink(path: path))
                try runToEnd(flow, workers: workers)
                #expect(try lines(of: path).sorted() == (0..<400).map { "n=\($0)" }.sorted(), "workers=\(workers)")
            }
        }
    }

    @Test func truncatesAnExistingFile() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let path = try OpsSupport.writeFile(String(repeating: "old content\n", count: 100), named: "out.txt", in: directory)
            let flow = Dataflow("test")
            flow.input("in", TestingSource(["new"])).output("save", FileSink(path: path))
            try runToEnd(flow, workers: 2)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        }
    }

    @Test func createsAnEmptyFileForAnEmptyStream() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            for workers in workerCounts {
                let path = directory.appendingPathComponent("empty-\(workers).txt").path
                let flow = Dataflow("test")
                flow.input("in", TestingSource<String>([])).output("save", FileSink(path: path))
                try runToEnd(flow, workers: workers)
                #expect(FileManager.default.fileExists(atPath: path), "workers=\(workers)")
                #expect(try String(contentsOfFile: path, encoding: .utf8) == "", "workers=\(workers)")
            }
        }
    }

    @Test func isFlushedAndClosedWhenTheRunReturns() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            for workers in workerCounts {
                let path = directory.appendingPathComponent("closed-\(workers).txt").path
                // Fewer bytes than a stdio buffer: only a flush puts them on disk.
                let input = (0..<10).map { "short \($0)" }
                let flow = Dataflow("test")
                flow.input("in", TestingSource(input, batchSize: 3)).output("save", FileSink(path: path))
                try runToEnd(flow, workers: workers)
                #expect(try lines(of: path) == input, "workers=\(workers)")
                if let open = OpsSupport.openDescriptorCount(for: path) {
                    #expect(open == 0, "\(path) is still open after the run (workers=\(workers))")
                }
            }
        }
    }

    @Test func writesLinesContainingNULBytesWhole() throws {
        // A NUL byte is ordinary content (FileSource reads it); it must not cut
        // the line, nor drop the rest of the batch.
        try OpsSupport.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("nul.txt").path
            let input = ["before", "a\u{0}b", "after"]
            let flow = Dataflow("test")
            flow.input("in", TestingSource(input, batchSize: 3)).output("save", FileSink(path: path))
            try runToEnd(flow, workers: 1)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes == Data("before\na\u{0}b\nafter\n".utf8))
        }
    }

    @Test func copiesAFileThroughFileSourceByteForByte() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let text = "plain\nwith\u{0}nul\nüñíçødé\n\nlast\n"
            let input = try OpsSupport.writeFile(text, named: "in.txt", in: directory)
            for workers in workerCounts {
                let output = directory.appendingPathComponent("copy-\(workers).txt").path
                let flow = Dataflow("test")
                flow.input("in", FileSource(path: input, batchSize: 2)).output("save", FileSink(path: output))
                try runToEnd(flow, workers: workers)
                #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(text.utf8), "workers=\(workers)")
            }
        }
    }

    @Test func flushesAtEveryEpochEnd() throws {
        // The source emits one line, then waits until that line is on disk
        // before ending. Only a flush at an epoch end (not the final close)
        // can put it there, so without one the run would time out and fail.
        try OpsSupport.withTemporaryDirectory { directory in
            for workers in workerCounts {
                let path = directory.appendingPathComponent("epochs-\(workers).txt").path
                let cancelled = Flag()
                let flow = Dataflow("test")
                flow.input("in", WaitForFileSource(path: path, line: "first", cancelled: cancelled))
                    .output("save", FileSink(path: path))
                try runToEnd(flow, workers: workers, epochInterval: .milliseconds(10)) {
                    cancelled.set()
                }
                #expect(try lines(of: path) == ["first", "last"], "workers=\(workers)")
            }
        }
    }
}

/// One partition: emits `line`, then nothing until `line` can be read back
/// from `path`, then emits "last" and ends.
private struct WaitForFileSource: PartitionedSource {
    let path: String
    let line: String
    let cancelled: Flag

    func listPartitions() throws -> [PartitionKey] { ["only"] }

    func buildPartition(_ key: PartitionKey, resumeState: NoResumeState?) throws -> Partition {
        Partition(path: path, line: line, cancelled: cancelled)
    }

    final class Partition: SourcePartition {
        private enum Stage { case start, waiting, done }
        private let path: String
        private let line: String
        private let cancelled: Flag
        private var stage = Stage.start

        init(path: String, line: String, cancelled: Flag) {
            self.path = path
            self.line = line
            self.cancelled = cancelled
        }

        func nextBatch() throws -> [String]? {
            switch stage {
            case .start:
                stage = .waiting
                return [line]
            case .waiting:
                let onDisk = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                guard onDisk == line + "\n" || cancelled.isSet else { return [] }
                stage = .done
                return ["last"]
            case .done:
                return nil
            }
        }

        func nextAwake() -> Date? { stage == .waiting ? Date().addingTimeInterval(0.002) : nil }
    }
}
