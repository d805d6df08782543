import Sluice
import SluiceTesting
import Testing

@Suite struct ReduceFinalTests {
    @Test(arguments: [1, 3])
    func reducesEachKeysValuesInArrivalOrder(batchSize: Int) throws {
        // Concatenation does not commute, so the result shows the order values were combined in.
        let input: [(String, String)] = [("a", "x"), ("b", "p"), ("a", "y"), ("c", "only"), ("a", "z"), ("b", "q")]
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                .reduceFinal("concat") { $0 + $1 }
                .asKV().output("out", sink)
            return sink
        }
        // A key with one value emits it unchanged (the reducer is never called).
        #expect(out == [KV("a", "xyz"), KV("b", "pq"), KV("c", "only")])
    }

    @Test func sumsAcrossSeveralPartitions() throws {
        let partitions: [[KV<Int>]] = [
            (1...20).map { KV("k\($0 % 3)", $0) }, (21...30).map { KV("k\($0 % 4)", $0) }, [KV("solo", -5)],
        ]
        var expected: [String: Int] = [:]
        for item in partitions.joined() { expected[item.key, default: 0] += item.value }
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 4)).keyed()
                .reduceFinal("sum") { $0 + $1 }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out == expected.map { KV($0.key, $0.value) }.sorted())
    }

    @Test func emitsNothingForAnEmptyInput() throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource<KV<Int>>([])).keyed()
                .reduceFinal("sum") { $0 + $1 }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out.isEmpty)
    }
}
