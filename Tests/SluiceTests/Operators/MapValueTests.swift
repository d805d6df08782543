import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct MapValueTests {
    @Test func mapsValuesAndKeepsKeys() throws {
        let input = Array(0..<60)
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(input, batchSize: 7))
                .keyOn("mod3") { "k\($0 % 3)" }
                .mapValue("describe") { "v\($0 * 2)" }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out == input.map { KV("k\($0 % 3)", "v\($0 * 2)") })
    }

    @Test func keepsPerKeyOrderFromEveryPartition() throws {
        let partitions = [Array(0..<40), Array(40..<80), Array(80..<100)]
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 3))
                .keyOn("partition") { "p\($0 / 40)" }
                .mapValue("negate") { -$0 }
                .asKV()
                .output("out", sink)
            return sink
        }
        for (workers, out) in results {
            for (index, partition) in partitions.enumerated() {
                #expect(out.filter { $0.key == "p\(index)" }.map(\.value) == partition.map { -$0 }, "workers=\(workers)")
            }
            #expect(out.count == 100, "workers=\(workers)")
        }
    }
}
