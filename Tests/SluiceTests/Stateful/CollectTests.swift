import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

extension DataStream {
    /// Shows each collected array as "1,2,3" so results compare as `KV<String>`.
    fileprivate func shown(_ name: String = "show") -> DataStream<KV<String>> where Item == (key: String, value: [Int]) {
        map(name) { KV($0.key, $0.value.map(String.init).joined(separator: ",")) }
    }
}

@Suite struct CollectTests {
    /// Long enough that no timeout fires during these runs.
    private static let never = Duration.seconds(3600)

    @Test(arguments: [1, 3])
    func emitsFullArraysBySizeAndTheRestAtTheEnd(batchSize: Int) throws {
        let input: [(String, Int)] = (1...8).map { ("a", $0) } + [("b", 10), ("b", 11), ("a", 9), ("b", 12), ("b", 13)]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                .collect("triples", timeout: Self.never, maxSize: 3)
                .shown().output("out", sink)
            return sink
        }
        #expect(perKey["a"] == ["1,2,3", "4,5,6", "7,8,9"])
        #expect(perKey["b"] == ["10,11,12", "13"])  // 13 is flushed at the end of input
    }

    @Test func aMaxSizeBelowOneCollectsSingleValues() throws {
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource([("a", 1), ("a", 2), ("b", 3)])).keyed()
                .collect("singles", timeout: Self.never, maxSize: 0)
                .shown().output("out", sink)
            return sink
        }
        #expect(perKey == ["a": ["1", "2"], "b": ["3"]])
    }

    @Test func emitsWhatItHasOnceTheTimeoutPasses() throws {
        var gaveUp: [Flag] = []
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let flushed = Flag()
            let arrays = SharedCounter()
            // Both keys' first values arrive in one batch; 4 is held back until
            // both timed-out arrays have been seen downstream.
            let source = KeepAliveSource([KV("a", 1), KV("a", 2), KV("b", 3)], then: [KV("a", 4)], until: flushed)
            gaveUp.append(source.gaveUp)
            let sink = TestingSink<KV<String>>()
            flow.input("in", source).keyed()
                .collect("window", timeout: .milliseconds(20), maxSize: 100)
                .inspect("observe") { _ in if arrays.increment() == 2 { flushed.set() } }
                .shown().output("out", sink)
            return sink
        }
        #expect(gaveUp.count == 3)
        #expect(gaveUp.allSatisfy { !$0.isSet }, "the source gave up waiting for the timed-out arrays")
        // Without the timeout, a would be one array "1,2,4" flushed at the end.
        #expect(perKey["a"] == ["1,2", "4"])
        #expect(perKey["b"] == ["3"])
    }

    @Test func keepsEveryValueAcrossPartitions() throws {
        let partitions: [[KV<Int>]] = (0..<3).map { part in (0..<40).map { KV("k\(($0 * 7 + part) % 3)", part * 100 + $0) } }
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<(key: String, value: [Int])>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 6)).keyed()
                .collect("fives", timeout: Self.never, maxSize: 5)
                .output("out", sink)
            return sink
        }
        var expected: [String: [Int]] = [:]
        for item in partitions.joined() { expected[item.key, default: []].append(item.value) }
        for count in workerCounts {
            var perKey: [String: [[Int]]] = [:]
            for item in results[count]! { perKey[item.key, default: []].append(item.value) }
            #expect(perKey.mapValues { $0.joined().sorted() } == expected.mapValues { $0.sorted() }, "workers=\(count)")
            for (key, arrays) in perKey {
                // Full arrays of 5, except the end-of-input remainder, which comes last.
                #expect(arrays.dropLast().allSatisfy { $0.count == 5 }, "workers=\(count) key=\(key)")
                #expect(arrays.last!.count == (expected[key]!.count - 1) % 5 + 1, "workers=\(count) key=\(key)")
            }
        }
    }
}
