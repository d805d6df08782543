import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct StatefulMapTests {
    private static let input: [(String, Int)] = [
        ("a", 1), ("b", 10), ("a", 2), ("a", 3), ("c", 100), ("b", 20), ("a", 4), ("c", 200),
    ]

    @Test(arguments: [1, 3])
    func emitsARunningSumPerKeyInOrder(batchSize: Int) throws {
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", keyedSource(Self.input, batchSize: batchSize)).keyed()
                .statefulMap("sum") { (sum: Int?, value: Int) in
                    let next = (sum ?? 0) + value
                    return (next, next)
                }
                .asKV().output("out", sink)
            return sink
        }
        #expect(perKey == ["a": [1, 3, 6, 10], "b": [10, 30], "c": [100, 300]])
    }

    @Test func theMapperSeesThePreviousStateAndANilStateForgetsTheKey() throws {
        // Emits "state before → value"; forgets the key once the sum reaches 5.
        let input: [(String, Int)] = [("a", 2), ("a", 2), ("b", 9), ("a", 2), ("a", 1), ("b", 1), ("a", 7)]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: 2)).keyed()
                .statefulMap("sum") { (sum: Int?, value: Int) -> (Int?, String) in
                    let next = (sum ?? 0) + value
                    return (next >= 5 ? nil : next, "\(sum.map(String.init) ?? "nil")+\(value)")
                }
                .asKV().output("out", sink)
            return sink
        }
        #expect(perKey["a"] == ["nil+2", "2+2", "4+2", "nil+1", "1+7"])
        #expect(perKey["b"] == ["nil+9", "nil+1"])
    }

    @Test func countsAreExactAcrossSeveralPartitions() throws {
        // Increments commute, so every worker count and interleaving ends at the same counts.
        let keys = ["x", "y", "z", "w"]
        let partitions = (0..<3).map { part in (0..<60).map { KV(keys[($0 * (part + 1)) % 4], 1) } }
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 5)).keyed()
                .statefulMap("count") { (count: Int?, one: Int) in ((count ?? 0) + one, (count ?? 0) + one) }
                .asKV().output("out", sink)
            return sink
        }
        var expected: [String: Int] = [:]
        for item in partitions.joined() { expected[item.key, default: 0] += 1 }
        for count in workerCounts {
            let perKey = groupedByKey(results[count]!)
            // Each key counts 1, 2, 3… in the order the sink saw them.
            #expect(perKey == expected.mapValues { Array(1...$0) }, "workers=\(count)")
        }
    }
}
