import Sluice
import SluiceTesting
import Testing

@Suite struct FlatMapTests {
    @Test func splitsEachItemAndKeepsOrder() throws {
        let lines = ["a b c", "", "d", "e  f", "g h"]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<String>()
            flow.input("in", TestingSource(lines, batchSize: 2))
                .flatMap("split") { $0.split(separator: " ").map(String.init) }
                .output("out", sink)
            return sink
        }
        #expect(out == ["a", "b", "c", "d", "e", "f", "g", "h"])
    }

    @Test func canMultiplyAndDropItems() throws {
        // n becomes n copies of n: 0 disappears, 3 becomes [3, 3, 3].
        let partitions = [[0, 1, 2, 3], [4, 0, 1]]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 3))
                .flatMap("repeat") { Array(repeating: $0, count: $0) }
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == [1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4])
    }

    @Test func acceptsAnySequence() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource([3, 1, 2]))
                .flatMap("range") { 0..<$0 }
                .output("out", sink)
            return sink
        }
        #expect(out == [0, 1, 2, 0, 0, 1])
    }
}
