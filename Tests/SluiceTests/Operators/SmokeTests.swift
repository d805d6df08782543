import Sluice
import SluiceTesting
import Testing

@Suite struct SmokeTests {
    @Test func mapRunsOnEveryWorkerCount() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            flow.input("in", TestingSource(Array(0..<100), batchSize: 7))
                .map("double") { $0 * 2 }
                .output("out", sink)
            return sink
        }
        #expect(out == (0..<100).map { $0 * 2 })
    }

    @Test func keyedRunningCountIsExactOnEveryWorkerCount() throws {
        let words = (0..<3000).map { "w\(($0 * 7) % 50)" }
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: [Array(words[..<1500]), Array(words[1500...])], batchSize: 10))
                .keyOn("key") { $0 }
                .statefulMap("count") { (count: Int?, _: String) in
                    let next = (count ?? 0) + 1
                    return (next, next)
                }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out.count == 3000)
        #expect(Set(out.filter { $0.value == 60 }.map(\.key)).count == 50)
    }
}
