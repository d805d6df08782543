import Sluice
import SluiceTesting
import Testing

@Suite struct FoldFinalTests {
    @Test(arguments: [1, 4])
    func foldsEachKeyFromItsOwnInitialValueInArrivalOrder(batchSize: Int) throws {
        let input: [(String, Int)] = [("a", 3), ("b", 1), ("a", 1), ("a", 2), ("b", 9), ("c", 5)]
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                .foldFinal("list", initial: { "start" }) { list, value in list + ">\(value)" }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out == [KV("a", "start>3>1>2"), KV("b", "start>1>9"), KV("c", "start>5")])
    }

    @Test func emitsOncePerKeyAtTheEndAcrossPartitions() throws {
        let partitions: [[KV<Int>]] = (0..<3).map { part in (0..<50).map { KV("k\(($0 + part) % 5)", $0) } }
        var sums: [String: Int] = [:], counts: [String: Int] = [:]
        for item in partitions.joined() {
            sums[item.key, default: 0] += item.value
            counts[item.key, default: 0] += 1
        }
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 7)).keyed()
                .foldFinal("stats", initial: { [0, 0] }) { acc, value in [acc[0] + value, acc[1] + 1] }
                .map("show") { KV($0.key, "\($0.value[0])/\($0.value[1])") }
                .output("out", sink)
            return sink
        }
        #expect(out == sums.keys.sorted().map { KV($0, "\(sums[$0]!)/\(counts[$0]!)") })
    }

    @Test func keysWithoutValuesEmitNothing() throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource<KV<Int>>(partitions: [[], []])).keyed()
                .foldFinal("sum", initial: { 0 }) { $0 + $1 }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out.isEmpty)
    }
}
