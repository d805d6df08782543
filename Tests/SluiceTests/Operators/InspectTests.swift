import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct InspectTests {
    @Test func seesEveryItemOnceAndPassesItThroughUnchanged() throws {
        let partitions = [Array(0..<60), Array(60..<100)]
        for workers in workerCounts {
            let seen = OpsRecorder<Int>()
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 6))
                .inspect("peek") { seen.append($0) }
                .output("out", sink)
            try run(flow, workers: workers)
            #expect(seen.values.sorted() == Array(0..<100), "workers=\(workers)")
            #expect(sink.items.sorted() == Array(0..<100), "workers=\(workers)")
        }
    }

    @Test func keepsOrder() throws {
        let input = (0..<50).map { "item-\($0)" }
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<String>()
            flow.input("in", TestingSource(input, batchSize: 4))
                .inspect("peek") { _ in }
                .output("out", sink)
            return sink
        }
        #expect(out == input)
    }

    @Test func seesItemsBeforeTheNextStep() throws {
        // The inspector runs before downstream steps see the item: when the
        // mapper runs, the inspector has already recorded that item.
        let seen = OpsRecorder<Int>()
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array(0..<30), batchSize: 3))
                .inspect("peek") { seen.append($0) }
                .map("was_seen") { item in seen.values.contains(item) ? item : -1 }
                .output("out", sink)
            return sink
        }
        #expect(out == Array(0..<30))
    }
}
