import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct FlatMapBatchTests {
    @Test func isCalledOncePerSourceBatch() throws {
        // Emitting each batch's size makes the calls visible in the output.
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array(0..<20), batchSize: 5))
                .flatMapBatch("sizes") { [$0.count] }
                .output("out", sink)
            return sink
        }
        #expect(results[1] == [5, 5, 5, 5])
        for workers in workerCounts {
            // A single-partition source is read by one worker, so batches are the same.
            #expect(results[workers] == [5, 5, 5, 5], "workers=\(workers)")
        }
    }

    @Test func seesTheShortLastBatch() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array(0..<23), batchSize: 5))
                .flatMapBatch("sizes") { [$0.count] }
                .output("out", sink)
            return sink
        }
        #expect(out == [5, 5, 5, 5, 3])
    }

    @Test func receivesTheBatchItemsInOrder() throws {
        let recorder = OpsRecorder<[Int]>()
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        flow.input("in", TestingSource(Array(0..<12), batchSize: 5))
            .flatMapBatch("record") { batch in
                recorder.append(batch)
                return batch
            }
            .output("out", sink)
        try run(flow, workers: 1)
        #expect(recorder.values == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]])
        #expect(sink.items == Array(0..<12))
    }

    @Test func outputsAreEqualOnEveryWorkerCount() throws {
        let partitions = [Array(0..<37), Array(100..<150), Array(200..<203)]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 4))
                .flatMapBatch("odd_tens") { batch in batch.filter { $0 % 2 == 1 }.map { $0 * 10 } }
                .output("out", sink)
            return sink
        }
        let expected: [Int] = partitions.joined().filter { $0 % 2 == 1 }.map { $0 * 10 }
        #expect(out.sorted() == expected.sorted())
    }
}
