import Sluice
import SluiceTesting
import Testing

@Suite struct CompactMapTests {
    @Test func dropsNilsAndKeepsTheRestInOrder() throws {
        let input = ["1", "x", "2", "", "30", "-4", "4.5", "5"]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(input, batchSize: 3))
                .compactMap("parse") { Int($0) }
                .output("out", sink)
            return sink
        }
        #expect(out == [1, 2, 30, -4, 5])
    }

    @Test func aBatchOfOnlyNilsEmitsNothing() throws {
        let partitions = [["a", "b", "c"], ["7", "d"], ["e"]]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 2))
                .compactMap("parse") { Int($0) }
                .output("out", sink)
            return sink
        }
        #expect(out == [7])
    }
}
