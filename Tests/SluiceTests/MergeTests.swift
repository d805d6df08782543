import Sluice
import SluiceTesting
import Testing

@Suite struct MergeTests {
    @Test func mergesALocalAndAKeyedStream() throws {
        // `local` never leaves its worker; `keyed` went through a keyed exchange.
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            let local = flow.input("a", TestingSource(partitions: [Array(0..<50), Array(50..<80)], batchSize: 4))
            let keyed = flow.input("b", TestingSource(Array(1000..<1060), batchSize: 5))
                .keyOn("mod4") { "k\($0 % 4)" }
                .statefulMap("pass") { (_: Int?, value: Int) in (nil, value) }
                .keyRemove("unkey")
            local.merge("both", keyed).output("out", sink)
            return sink
        }
        #expect(out.sorted() == Array(0..<80) + Array(1000..<1060))
    }

    @Test func mergesThreeStreamsOfOneSource() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<String>()
            let numbers = flow.input("in", TestingSource(partitions: [Array(0..<40), Array(40..<70)], batchSize: 3))
            let local = numbers.map("local") { "l\($0)" }
            let spread = numbers.redistribute("spread").map("spread_tag") { "r\($0)" }
            let keyed = numbers.keyOn("parity") { $0 % 2 == 0 ? "even" : "odd" }
                .statefulMap("tag") { (_: Int?, value: Int) in (nil, "k\(value)") }
                .keyRemove("unkey")
            local.merge("all", spread, keyed).output("out", sink)
            return sink
        }
        let expected = (0..<70).flatMap { ["l\($0)", "r\($0)", "k\($0)"] }
        #expect(out.sorted() == expected.sorted())
    }

    @Test func mergesCompletelyWithManyEpochBarriers() throws {
        // A 1 ms epoch makes barriers of every input interleave with items;
        // the merge must align them without losing or repeating anything.
        let results = try runEachWorkerCount(workerCounts, epochInterval: .milliseconds(1)) { flow in
            let sink = TestingSink<Int>()
            let first = flow.input("a", TestingSource(partitions: [Array(0..<3000), Array(3000..<4000)], batchSize: 2))
            let second = flow.input("b", TestingSource(Array(10_000..<12_000), batchSize: 3)).redistribute("spread")
            let third = flow.input("c", TestingSource(Array(20_000..<21_000)))
                .keyOn("mod3") { "k\($0 % 3)" }
                .statefulMap("pass") { (_: Int?, value: Int) in (nil, value) }
                .keyRemove("unkey")
            first.merge("all", [second, third]).output("out", sink)
            return sink
        }
        let expected = Array(0..<4000) + Array(10_000..<12_000) + Array(20_000..<21_000)
        for (workers, out) in results {
            #expect(out.sorted() == expected, "workers=\(workers)")
        }
    }

    @Test func keepsEachInputsOrderOnOneWorker() throws {
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        let evens = flow.input("evens", TestingSource(Array(stride(from: 0, to: 100, by: 2)), batchSize: 3))
        let odds = flow.input("odds", TestingSource(Array(stride(from: 1, to: 100, by: 2)), batchSize: 4))
        evens.merge("both", odds).output("out", sink)
        try run(flow, workers: 1)
        let out = sink.items
        #expect(out.filter { $0 % 2 == 0 } == Array(stride(from: 0, to: 100, by: 2)))
        #expect(out.filter { $0 % 2 == 1 } == Array(stride(from: 1, to: 100, by: 2)))
    }
}
