import Sluice
import SluiceTesting
import SluiceTestSupport
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

    @Test func itemsKeepTheirEpochThroughTheMerge() throws {
        // Barrier alignment: an item emitted in epoch E is seen in epoch E
        // after the merge, whether it came locally, redistributed or keyed.
        for workers in workerCounts {
            let tracker = OpsEpochTracker(until: 3)
            let atSource = OpsEpochLog()
            let afterMerge = OpsEpochLog()
            let flow = Dataflow("test")
            let sink = TestingSink<Int>()
            let ticks = flow.input("in", OpsTickingSource(partitions: 3, tracker: tracker))
                .inspectDebug("at_source") { info in
                    tracker.saw(info.item, in: info.epoch)
                    atSource.record(info)
                }
            let local = ticks.filter("first_two") { $0 < 2 * OpsTickingSource.stride }
            let spread = ticks.redistribute("spread").map("offset") { -1 - $0 }
            let keyed = ticks.keyOn("mod3") { "k\($0 % 3)" }
                .statefulMap("pass") { (_: Int?, value: Int) in (nil, value) }
                .keyRemove("unkey")
                .filter("last") { $0 >= 2 * OpsTickingSource.stride }
            local.merge("all", spread, keyed)
                .inspectDebug("after") { afterMerge.record($0) }
                .output("out", sink)
            try runToEnd(flow, workers: workers, epochInterval: .milliseconds(5)) { tracker.cancel() }

            let source = atSource.byItem
            let merged = afterMerge.byItem
            #expect(merged.count == 2 * source.count, "workers=\(workers)")
            let direct = source.keys.filter { merged[$0] != source[$0] }.sorted()
            let redistributed = source.keys.filter { merged[-1 - $0] != source[$0] }.sorted()
            #expect(direct.isEmpty, "epochs changed for \(direct.count) items, e.g. \(direct.prefix(5)); workers=\(workers)")
            #expect(redistributed.isEmpty, "epochs changed for \(redistributed.count) items; workers=\(workers)")
            #expect(source.values.allSatisfy { $0.count == 1 }, "workers=\(workers)")
            #expect(sink.items.count == 2 * source.count, "workers=\(workers)")
        }
    }

    @Test func mergingAStreamWithItselfDeliversEachItemTwice() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<Int>()
            let numbers = flow.input("in", TestingSource(partitions: [Array(0..<20), Array(20..<35)], batchSize: 4))
            numbers.merge("twice", numbers).output("out", sink)
            return sink
        }
        #expect(out.sorted() == (0..<35).flatMap { [$0, $0] })
    }
}
