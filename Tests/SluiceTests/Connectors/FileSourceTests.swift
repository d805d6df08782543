import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct FileSourceTests {
    /// Three files of different lengths; line `n` of file `f` reads `f<f>-<n>`.
    private func writeFiles(in directory: URL, lengths: [Int] = [40, 7, 23]) throws -> [String] {
        try lengths.enumerated().map { file, count in
            let text = (0..<count).map { "f\(file)-\($0)\n" }.joined()
            return try OpsSupport.writeFile(text, named: "input-\(file).txt", in: directory)
        }
    }

    @Test func eachFileIsOnePartition() throws {
        let source = FileSource(paths: ["/data/a.txt", "/data/b.txt", "/data/c.txt"])
        #expect(try source.listPartitions() == ["/data/a.txt", "/data/b.txt", "/data/c.txt"])
    }

    @Test func readsEveryLineOfEveryFileOnceInFileOrder() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let lengths = [40, 7, 23]
            let paths = try writeFiles(in: directory, lengths: lengths)
            for batchSize in [1, 3, 1000] {
                let results = try runEachWorkerCount(workerCounts) { flow in
                    let sink = TestingSink<String>()
                    flow.input("in", FileSource(paths: paths, batchSize: batchSize)).output("out", sink)
                    return sink
                }
                for (workers, lines) in results {
                    #expect(lines.count == lengths.reduce(0, +), "workers=\(workers), batchSize=\(batchSize)")
                    for (file, count) in lengths.enumerated() {
                        // A file is read by one worker, in order, each line once.
                        let mine = lines.filter { $0.hasPrefix("f\(file)-") }
                        #expect(mine == (0..<count).map { "f\(file)-\($0)" }, "workers=\(workers), batchSize=\(batchSize)")
                    }
                }
            }
        }
    }

    @Test func spreadsFilesOverWorkers() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let paths = try writeFiles(in: directory)
            let seen = OpsRecorder<OpsObserved<String>>()
            let flow = Dataflow("test")
            flow.input("in", FileSource(paths: paths, batchSize: 5))
                .inspectDebug("where") { seen.append(OpsObserved($0)) }
                .output("out", TestingSink<String>())
            try runToEnd(flow, workers: 3)
            var workerOfFile: [Int: Set<Int>] = [:]
            for observed in seen.values {
                let file = Int(observed.item.dropFirst().prefix { $0 != "-" })!
                workerOfFile[file, default: []].insert(observed.worker)
            }
            // Each file on exactly one worker, and three files on three workers.
            #expect(workerOfFile.values.allSatisfy { $0.count == 1 })
            #expect(Set(workerOfFile.values.joined()) == [0, 1, 2])
        }
    }

    @Test func stripsCRLFAndLFAndReadsALastLineWithoutNewline() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let crlf = try OpsSupport.writeFile("one\r\ntwo\r\n\r\nthree", named: "crlf.txt", in: directory)
            let mixed = try OpsSupport.writeFile("a\nb\r\nc\n", named: "mixed.txt", in: directory)
            let inner = try OpsSupport.writeFile("x\ry\n", named: "inner-cr.txt", in: directory)
            let results = try runEachWorkerCount(workerCounts) { flow in
                let sink = TestingSink<String>()
                flow.input("in", FileSource(paths: [crlf], batchSize: 2)).output("crlf", sink)
                return sink
            }
            for (workers, lines) in results {
                #expect(lines == ["one", "two", "", "three"], "workers=\(workers)")
            }
            let flow = Dataflow("test")
            let sink = TestingSink<String>()
            flow.input("mixed", FileSource(path: mixed)).output("out", sink)
            let other = TestingSink<String>()
            flow.input("inner", FileSource(path: inner)).output("inner_out", other)
            try runMain(flow)
            #expect(sink.items == ["a", "b", "c"])
            // A carriage return inside a line is content, not a line break.
            #expect(other.items == ["x\ry"])
        }
    }

    @Test func readsUTF8Text() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let path = try OpsSupport.writeFile("héllo wörld\n日本語\n🙂\n", named: "utf8.txt", in: directory)
            let out = try expectSameOnEveryWorkerCount { flow in
                let sink = TestingSink<String>()
                flow.input("in", FileSource(path: path)).output("out", sink)
                return sink
            }
            #expect(out == ["héllo wörld", "日本語", "🙂"])
        }
    }

    @Test func anEmptyFileGivesNoLines() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let empty = try OpsSupport.writeFile("", named: "empty.txt", in: directory)
            let full = try OpsSupport.writeFile("1\n2\n", named: "full.txt", in: directory)
            let onlyEmpty = try expectSameOnEveryWorkerCount { flow in
                let sink = TestingSink<String>()
                flow.input("in", FileSource(path: empty)).output("out", sink)
                return sink
            }
            #expect(onlyEmpty.isEmpty)
            let both = try expectSameOnEveryWorkerCount { flow in
                let sink = TestingSink<String>()
                flow.input("in", FileSource(paths: [empty, full])).output("out", sink)
                return sink
            }
            #expect(both == ["1", "2"])
        }
    }

    @Test func closesItsFilesAtTheEnd() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let paths = try writeFiles(in: directory)
            let flow = Dataflow("test")
            let sink = TestingSink<String>()
            flow.input("in", FileSource(paths: paths, batchSize: 4)).output("out", sink)
            try runToEnd(flow, workers: 2)
            #expect(sink.items.count == 70)
            for path in paths {
                if let open = OpsSupport.openDescriptorCount(for: path) {
                    #expect(open == 0, "\(path) is still open after the run")
                }
            }
        }
    }

    @Test func aMissingFileFailsNamingThePathAndTheStep() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let present = try OpsSupport.writeFile("here\n", named: "present.txt", in: directory)
            let missing = directory.appendingPathComponent("missing.txt").path
            for workers in workerCounts {
                let flow = Dataflow("test")
                flow.input("lines", FileSource(paths: [present, missing])).output("out", TestingSink<String>())
                let error = try #require(throws: DataflowError.self, "workers=\(workers)") {
                    try runToEnd(flow, workers: workers)
                }
                guard case let .sourceFailed(step, partition, underlying) = error else {
                    Issue.record("expected sourceFailed, got \(error)")
                    continue
                }
                #expect(step == "test.lines")
                #expect(partition == PartitionKey(missing))
                guard case let .cannotOpen(path, code) = underlying as? FileConnectorError else {
                    Issue.record("expected FileConnectorError.cannotOpen, got \(underlying)")
                    continue
                }
                #expect(path == missing)
                #expect(code == ENOENT)
                #expect(error.description.contains(missing))
                #expect(error.description.contains("test.lines"))
            }
        }
    }

    @Test func aDirectoryInsteadOfAFileFailsNamingIt() throws {
        try OpsSupport.withTemporaryDirectory { directory in
            let folder = directory.appendingPathComponent("not-a-file").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            let flow = Dataflow("test")
            flow.input("lines", FileSource(path: folder)).output("out", TestingSink<String>())
            let error = try #require(throws: DataflowError.self) { try runToEnd(flow, workers: 2) }
            guard case let .sourceFailed(step, partition, _) = error else {
                Issue.record("expected sourceFailed, got \(error)")
                return
            }
            #expect(step == "test.lines")
            #expect(partition == PartitionKey(folder))
            #expect(error.description.contains(folder))
        }
    }
}

@Suite struct FileSourceDuplicatePathTests {
    @Test func aPathListedTwiceIsRefusedNamingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(UUID()).txt").path
        try "x\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let flow = Dataflow("test")
        flow.input("lines", FileSource(paths: [path, path])).output("out", TestingSink<String>())
        do {
            try runMain(flow)
            Issue.record("a duplicated path must be refused")
        } catch let error as DataflowError {
            #expect(error.step == "test.lines")
            #expect("\(error)".contains("listed more than once"))
            #expect("\(error)".contains(path))
        }
    }
}
