import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct BranchTests {
    /// Runs `numbers` through a branch on every worker count; returns (trues, falses).
    private func branchOutputs(
        _ partitions: [[Int]], batchSize: Int, predicate: @escaping @Sendable (Int) -> Bool
    ) throws -> [Int: (trues: [Int], falses: [Int])] {
        var results: [Int: (trues: [Int], falses: [Int])] = [:]
        for workers in workerCounts {
            let flow = Dataflow("test")
            let trues = TestingSink<Int>()
            let falses = TestingSink<Int>()
            let parts = flow.input("in", TestingSource(partitions: partitions, batchSize: batchSize))
                .branch("split", predicate)
            parts.trues.output("trues", trues)
            parts.falses.output("falses", falses)
            try run(flow, workers: workers)
            results[workers] = (trues.items, falses.items)
        }
        return results
    }

    @Test func splitsByThePredicateKeepingOrderWithinEachSide() throws {
        let input = Array(0..<100)
        let results = try branchOutputs([input], batchSize: 7) { $0 % 3 == 0 }
        let single = results[1]!
        #expect(single.trues == input.filter { $0 % 3 == 0 })
        #expect(single.falses == input.filter { $0 % 3 != 0 })
        for workers in workerCounts {
            #expect(results[workers]!.trues.sorted() == single.trues, "workers=\(workers)")
            #expect(results[workers]!.falses.sorted() == single.falses, "workers=\(workers)")
        }
    }

    @Test func everyItemGoesToExactlyOneSide() throws {
        let partitions = [Array(0..<50), Array(50..<120), Array(120..<121)]
        let results = try branchOutputs(partitions, batchSize: 5) { $0.isMultiple(of: 2) }
        for (workers, result) in results {
            #expect((result.trues + result.falses).sorted() == Array(0..<121), "workers=\(workers)")
            #expect(result.trues.allSatisfy { $0.isMultiple(of: 2) }, "workers=\(workers)")
            #expect(result.falses.allSatisfy { !$0.isMultiple(of: 2) }, "workers=\(workers)")
        }
    }

    @Test func oneSideMayStayEmpty() throws {
        let results = try branchOutputs([Array(0..<20), Array(20..<30)], batchSize: 3) { _ in true }
        for (workers, result) in results {
            #expect(result.trues.sorted() == Array(0..<30), "workers=\(workers)")
            #expect(result.falses.isEmpty, "workers=\(workers)")
        }
    }

    @Test func bothSidesCanBeProcessedFurtherAndMerged() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            let parts = flow.input("in", TestingSource(Array(0..<60), batchSize: 4)).branch("split") { $0 < 30 }
            let low = parts.trues.map("negate") { -$0 }
            let high = parts.falses.redistribute("spread")
            low.merge("back", high).output("out", sink)
            return sink
        }
        #expect(out.sorted() == ((0..<30).map { -$0 } + Array(30..<60)).sorted())
    }
}
