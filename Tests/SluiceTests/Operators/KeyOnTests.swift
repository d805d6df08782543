import Sluice
import SluiceTesting
import Testing

@Suite struct KeyOnTests {
    @Test func pairsEachItemWithItsKey() throws {
        let words = ["apple", "avocado", "banana", "blueberry", "cherry", "apricot"]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(words, batchSize: 4))
                .keyOn("initial") { String($0.prefix(1)) }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out == words.map { KV(String($0.prefix(1)), $0) })
    }

    @Test func keepsEveryItemFromEveryPartition() throws {
        let partitions = [Array(0..<25), Array(25..<50), Array(50..<51)]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 5))
                .keyOn("mod7") { "k\($0 % 7)" }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == (0..<51).map { KV("k\($0 % 7)", $0) }.sorted())
    }

    @Test func keyedStreamFeedsAKeyedStepOnEveryWorkerCount() throws {
        // The key chosen by keyOn is the one keyed steps route by: a per-key
        // count of a single-partition input ends at each key's size, in order.
        let input = (0..<90).map { $0 % 9 }
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(input, batchSize: 4))
                .keyOn("digit") { "d\($0)" }
                .statefulMap("count") { (count: Int?, _: Int) in ((count ?? 0) + 1, (count ?? 0) + 1) }
                .asKV()
                .output("out", sink)
            return sink
        }
        for digit in 0..<9 {
            #expect(out.filter { $0.key == "d\(digit)" }.map(\.value) == Array(1...10), "key d\(digit)")
        }
    }
}
