import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct MapTests {
    @Test func transformsEveryItemInOrder() throws {
        let input = Array(0..<200)
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<String>()
            flow.input("in", TestingSource(input, batchSize: 7))
                .map("describe") { "n\($0 * 3)" }
                .output("out", sink)
            return sink
        }
        #expect(out == input.map { "n\($0 * 3)" })
    }

    @Test func keepsEachPartitionsOrderOnEveryWorkerCount() throws {
        let partitions = (0..<4).map { p in (0..<50).map { p * 1000 + $0 } }
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 3))
                .map("plus_one") { $0 + 1 }
                .output("out", sink)
            return sink
        }
        for (workers, out) in results {
            #expect(out.sorted() == partitions.joined().map { $0 + 1 }.sorted(), "workers=\(workers)")
            for p in partitions.indices {
                let mine = out.filter { ($0 - 1) / 1000 == p }
                #expect(mine == partitions[p].map { $0 + 1 }, "partition \(p), workers=\(workers)")
            }
        }
    }

    @Test func registersItsStepID() {
        let flow = Dataflow("test")
        flow.input("in", TestingSource([1])).map("double") { $0 * 2 }.output("out", TestingSink<Int>())
        #expect(flow.stepIDs.contains(StepID("test.double")))
    }
}
