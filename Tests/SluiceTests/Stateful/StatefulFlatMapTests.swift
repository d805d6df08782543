import Sluice
import SluiceTesting
import Testing

@Suite struct StatefulFlatMapTests {
    @Test(arguments: [1, 4])
    func emitsAnyNumberOfValuesPerInputInOrder(batchSize: Int) throws {
        // Emits the running total each time it crosses a multiple of 10, as
        // many times as multiples were crossed, and nothing otherwise.
        let input: [(String, Int)] = [("a", 4), ("b", 25), ("a", 5), ("a", 3), ("b", 1), ("a", 21), ("b", 4)]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                .statefulFlatMap("crossings") { (total: Int?, value: Int) in
                    let before = total ?? 0, after = before + value
                    return (after, Array(repeating: after, count: after / 10 - before / 10))
                }
                .asKV().output("out", sink)
            return sink
        }
        // a: 4, 9, 12 (crosses 10 once), 33 (crosses 20 and 30)
        #expect(perKey["a"] == [12, 33, 33])
        // b: 25 (crosses 10 and 20), 26, 30 (crosses 30)
        #expect(perKey["b"] == [25, 25, 30])
    }

    @Test func aNilStateForgetsTheKey() throws {
        // Collects values into pairs; emits and forgets the key on every second value.
        let input: [(String, Int)] = [("a", 1), ("b", 7), ("a", 2), ("a", 3), ("b", 8), ("a", 4), ("a", 5)]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: 3)).keyed()
                .statefulFlatMap("pairs") { (pending: Int?, value: Int) -> (Int?, [String]) in
                    guard let pending else { return (value, []) }
                    return (nil, ["\(pending)", "\(value)"])
                }
                .asKV().output("out", sink)
            return sink
        }
        #expect(perKey["a"] == ["1", "2", "3", "4"])  // 5 waits for a partner that never comes
        #expect(perKey["b"] == ["7", "8"])
    }

    @Test func emitsNothingWhenTheMapperReturnsNoValues() throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: [[KV("a", 1), KV("b", 2)], [KV("a", 3)]])).keyed()
                .statefulFlatMap("none") { (state: Int?, value: Int) -> (Int?, [Int]) in ((state ?? 0) + value, []) }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out.isEmpty)
    }
}
