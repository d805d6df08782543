import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct TestingSourceTests {
    @Test func splitsItemsIntoBatchesOfBatchSize() throws {
        for (batchSize, expected) in [(1, Array(repeating: 1, count: 12)), (5, [5, 5, 2]), (12, [12]), (50, [12])] {
            let out = try expectSameOnEveryWorkerCount { flow in
                let sink = TestingSink<Int>()
                flow.input("in", TestingSource(Array(0..<12), batchSize: batchSize))
                    .flatMapBatch("sizes") { [$0.count] }
                    .output("out", sink)
                return sink
            }
            #expect(out == expected, "batchSize=\(batchSize)")
        }
    }

    @Test func emitsItemsInOrder() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array((0..<100).reversed()), batchSize: 3)).output("out", sink)
            return sink
        }
        #expect(out == Array((0..<100).reversed()))
    }

    @Test func eofEndsTheInputEarly() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource<Int>(events: [.item(1), .item(2), .eof, .item(3), .item(4)], batchSize: 5))
                .output("out", sink)
            return sink
        }
        #expect(out == [1, 2])
    }

    @Test func eofCutsTheBatchItFallsIn() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource<Int>(events: [.item(1), .item(2), .item(3), .eof, .item(4)], batchSize: 2))
                .flatMapBatch("sizes") { [$0.count] }
                .output("out", sink)
            return sink
        }
        #expect(out == [2, 1])
    }

    @Test func eofEndsOnlyItsOwnPartition() throws {
        let events: [[TestingSource<Int>.Event]] = [
            [.item(1), .eof, .item(2)],
            [.item(10), .item(11), .item(12)],
        ]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitionEvents: events, batchSize: 2)).output("out", sink)
            return sink
        }
        #expect(out.sorted() == [1, 10, 11, 12])
    }

    @Test func abortFailsTheRunAndASecondRunPassesIt() throws {
        for workers in workerCounts {
            let source = TestingSource<Int>(events: [.item(1), .item(2), .abort, .item(3)])
            let firstSink = TestingSink<Int>()
            let first = Dataflow("test")
            first.input("in", source).output("out", firstSink)
            let error = try #require(throws: DataflowError.self, "workers=\(workers)") {
                try runToEnd(first, workers: workers)
            }
            guard case let .sourceFailed(step, partition, underlying) = error else {
                Issue.record("expected sourceFailed, got \(error)")
                continue
            }
            #expect(step == "test.in")
            #expect(partition == "part-0")
            guard case let .aborted(abortedPartition, position) = underlying as? TestingSourceError else {
                Issue.record("expected TestingSourceError.aborted, got \(underlying)")
                continue
            }
            #expect(abortedPartition == "part-0")
            #expect(position == 2)
            // Items before the abort point were processed; none after it.
            #expect(firstSink.items == [1, 2], "workers=\(workers)")

            // The same source value does not abort again at that point.
            let secondSink = TestingSink<Int>()
            let second = Dataflow("test")
            second.input("in", source).output("out", secondSink)
            try runToEnd(second, workers: workers)
            #expect(secondSink.items == [1, 2, 3], "workers=\(workers)")
        }
    }

    @Test func eachAbortPointFiresOnce() throws {
        let source = TestingSource<Int>(events: [.item(1), .abort, .item(2), .abort, .item(3)], batchSize: 10)
        var failures = 0
        for attempt in 1...3 {
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("in", source).output("out", sink)
            do {
                try runToEnd(flow, workers: 1)
                #expect(sink.items == [1, 2, 3], "attempt \(attempt)")
            } catch let error as DataflowError {
                failures += 1
                guard case .sourceFailed(_, _, let underlying) = error, underlying is TestingSourceError else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
            }
        }
        #expect(failures == 2)
    }

    @Test func aFreshSourceValueAbortsAgain() throws {
        let events: [TestingSource<Int>.Event] = [.item(1), .abort, .item(2)]
        for _ in 0..<2 {
            let flow = Dataflow("test")
            flow.input("in", TestingSource(events: events)).output("out", TestingSink<Int>())
            #expect(throws: DataflowError.self) { try runToEnd(flow, workers: 1) }
        }
    }

    @Test func listsOnePartitionPerArray() throws {
        #expect(try TestingSource([1, 2]).listPartitions() == ["part-0"])
        #expect(try TestingSource(partitions: [[1], [], [3]]).listPartitions() == ["part-0", "part-1", "part-2"])
    }

    @Test func partitionsAreSpreadOverWorkers() throws {
        // Item p*100+n belongs to partition p; inspectDebug right after the
        // input shows which worker read it.
        for (partitionCount, workers) in [(3, 3), (2, 3), (5, 2), (3, 1)] {
            let partitions = (0..<partitionCount).map { p in (0..<20).map { p * 100 + $0 } }
            let seen = OpsRecorder<OpsObserved<Int>>()
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 3))
                .inspectDebug("where") { seen.append(OpsObserved($0)) }
                .output("out", sink)
            try runToEnd(flow, workers: workers)

            var readers: [Int: Set<Int>] = [:]
            for observed in seen.values { readers[observed.item / 100, default: []].insert(observed.worker) }
            let label = "\(partitionCount) partitions, \(workers) workers"
            #expect(readers.count == partitionCount, "\(label)")
            #expect(readers.values.allSatisfy { $0.count == 1 }, "a partition was read by several workers: \(label)")
            var load = [Int](repeating: 0, count: workers)
            for reader in readers.values { load[reader.first!] += 1 }
            // Evenly: partition counts per worker differ by at most one.
            #expect(load.max()! - load.min()! <= 1, "\(label): \(load)")
            #expect(sink.items.sorted() == Array(partitions.joined()).sorted(), "\(label)")
        }
    }

    @Test func threePartitionsOnThreeWorkersGiveOneEach() throws {
        let seen = OpsRecorder<OpsObserved<String>>()
        let flow = Dataflow("test")
        flow.input("in", TestingSource(partitions: [["a1", "a2"], ["b1", "b2", "b3"], ["c1"]]))
            .inspectDebug("where") { seen.append(OpsObserved($0)) }
            .output("out", TestingSink<String>())
        try runToEnd(flow, workers: 3)
        var partitionsOfWorker: [Int: Set<Character>] = [:]
        for observed in seen.values { partitionsOfWorker[observed.worker, default: []].insert(observed.item.first!) }
        #expect(partitionsOfWorker.keys.sorted() == [0, 1, 2])
        #expect(partitionsOfWorker.values.allSatisfy { $0.count == 1 })
        #expect(seen.values.count == 6)
    }

    @Test func aSourceWithoutPartitionsEndsAtOnce() throws {
        for workers in workerCounts {
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource<Int>(partitions: [])).output("out", sink)
            try runToEnd(flow, workers: workers)
            #expect(sink.items.isEmpty, "workers=\(workers)")
        }
    }

    @Test func emptyPartitionsEndWithoutItems() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: [[], [7], []], batchSize: 2)).output("out", sink)
            return sink
        }
        #expect(out == [7])
    }
}
