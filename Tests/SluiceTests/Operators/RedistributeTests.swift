import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct RedistributeTests {
    @Test func spreadsASinglePartitionOverTheWorkers() throws {
        let before = OpsRecorder<Int>()
        let after = OpsRecorder<Int>()
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        flow.input("in", TestingSource(Array(0..<300), batchSize: 10))
            .inspectDebug("before") { before.append($0.worker.rawValue) }
            .redistribute("spread")
            .inspectDebug("after") { after.append($0.worker.rawValue) }
            .output("out", sink)
        try runToEnd(flow, workers: 3)

        // One partition is read by one worker; after the exchange, several work.
        #expect(Set(before.values).count == 1)
        #expect(Set(after.values).count > 1)
        #expect(Set(after.values).isSubset(of: 0..<3))
        #expect(sink.items.sorted() == Array(0..<300))
    }

    @Test func outputIsCompleteAndEqualOnEveryWorkerCount() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array(0..<500), batchSize: 7))
                .redistribute("spread")
                .map("square") { $0 * $0 }
                .output("out", sink)
            return sink
        }
        #expect(out == (0..<500).map { $0 * $0 })
    }

    @Test func spreadsEvenBatchesOfOneItem() throws {
        // With batchSize 1, round robin must rotate between batches.
        let after = OpsRecorder<Int>()
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        flow.input("in", TestingSource(Array(0..<30)))
            .redistribute("spread")
            .inspectDebug("after") { after.append($0.worker.rawValue) }
            .output("out", sink)
        try runToEnd(flow, workers: 3)
        #expect(Set(after.values).count > 1)
        #expect(sink.items.sorted() == Array(0..<30))
    }

    @Test func completeFromSeveralPartitions() throws {
        let partitions = [Array(0..<100), Array(100..<130), []]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 8))
                .redistribute("spread")
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == Array(0..<130))
    }

    @Test func itemsKeepTheirEpochAcrossWorkers() throws {
        for workers in workerCounts {
            let tracker = OpsEpochTracker(until: 3)
            let atSource = OpsEpochLog()
            let after = OpsEpochLog()
            let flow = Dataflow("test")
            flow.input("in", OpsTickingSource(partitions: 2, tracker: tracker))
                .inspectDebug("at_source") { info in
                    tracker.saw(info.item, in: info.epoch)
                    atSource.record(info)
                }
                .redistribute("spread")
                .inspectDebug("after") { after.record($0) }
                .output("out", TestingSink<Int>())
            try runToEnd(flow, workers: workers, epochInterval: .milliseconds(5)) { tracker.cancel() }
            #expect(after.byItem == atSource.byItem, "workers=\(workers)")
            #expect(atSource.byItem.values.contains { $0.contains(3) }, "the run ended before epoch 3")
        }
    }

    @Test func completesUnderTightBackPressure() throws {
        // Sources pause while an inbox holds more than 8 items; the exchange
        // must still drain and end, with every item delivered once.
        let partitions = [Array(0..<3000), Array(3000..<4000)]
        for workers in workerCounts {
            for epochInterval in [Duration.milliseconds(1), .seconds(10)] {
                let flow = Dataflow("test")
                let sink = TestingSink<Int>()
                flow.input("in", TestingSource(partitions: partitions, batchSize: 5))
                    .redistribute("spread")
                    .output("out", sink)
                try runToEnd(
                    flow, workers: workers, epochInterval: epochInterval, maxPendingItemsPerWorker: 8)
                #expect(sink.items.sorted() == Array(0..<4000), "workers=\(workers), epoch=\(epochInterval)")
            }
        }
    }
}
