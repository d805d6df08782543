import Sluice
import SluiceTesting
import Testing

@Suite struct FilterValueTests {
    @Test func filtersByValueAndKeepsKeys() throws {
        let input = Array(0..<80)
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(input, batchSize: 9))
                .keyOn("mod4") { "k\($0 % 4)" }
                .filterValue("big") { $0 >= 50 }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out == input.filter { $0 >= 50 }.map { KV("k\($0 % 4)", $0) })
    }

    @Test func filtersEveryPartition() throws {
        let partitions = [Array(0..<20), Array(20..<40), Array(40..<60)]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 2))
                .keyOn("parity") { $0 % 2 == 0 ? "even" : "odd" }
                .filterValue("multiples_of_5") { $0 % 5 == 0 }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == stride(from: 0, to: 60, by: 5).map { KV($0 % 2 == 0 ? "even" : "odd", $0) }.sorted())
    }
}
