import Sluice
import SluiceTesting
import Testing

@Suite struct FilterTests {
    @Test func keepsMatchingItemsInOrder() throws {
        let input = Array(0..<300)
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(input, batchSize: 11))
                .filter("multiples_of_3") { $0 % 3 == 0 }
                .output("out", sink)
            return sink
        }
        #expect(out == input.filter { $0 % 3 == 0 })
    }

    @Test func rejectingEverythingGivesNothing() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: [Array(0..<40), Array(40..<80)], batchSize: 4))
                .filter("none") { _ in false }
                .output("out", sink)
            return sink
        }
        #expect(out.isEmpty)
    }

    @Test func acceptingEverythingKeepsEverything() throws {
        let partitions = [Array(0..<40), Array(40..<80), Array(80..<90)]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 4))
                .filter("all") { _ in true }
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == Array(0..<90))
    }
}
