import Sluice
import SluiceTesting
import Testing

@Suite struct CountFinalTests {
    @Test func countsEveryKeyOnceAtTheEnd() throws {
        let words = "the cat and the dog and the bird".split(separator: " ").map(String.init)
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(words, batchSize: 3))
                .countFinal("count") { $0 }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out == [KV("and", 2), KV("bird", 1), KV("cat", 1), KV("dog", 1), KV("the", 3)])
    }

    @Test func countsByADerivedKeyAcrossPartitions() throws {
        let partitions = [Array(0..<100), Array(100..<250), Array(250..<251)]
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 8))
                .countFinal("by_last_digit") { "d\($0 % 10)" }
                .asKV().output("out", sink)
            return sink
        }
        // 0..<251: every last digit 25 times, plus 250 once more for d0.
        #expect(out == (0..<10).map { KV("d\($0)", $0 == 0 ? 26 : 25) })
    }
}
