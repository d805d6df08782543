import Sluice
import SluiceTesting
import Testing

@Suite struct KeyRemoveTests {
    @Test func dropsTheKeyAndKeepsTheValueInOrder() throws {
        let input = Array(0..<40)
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(input, batchSize: 6))
                .keyOn("parity") { $0 % 2 == 0 ? "even" : "odd" }
                .keyRemove("unkey")
                .output("out", sink)
            return sink
        }
        #expect(out == input)
    }

    @Test func removesKeysAfterAKeyedExchange() throws {
        let partitions = [Array(0..<30), Array(30..<60)]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 4))
                .keyOn("mod5") { "m\($0 % 5)" }
                .statefulMap("tag") { (_: Int?, value: Int) in (nil, value * 10) }
                .keyRemove("unkey")
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == (0..<60).map { $0 * 10 })
    }
}
