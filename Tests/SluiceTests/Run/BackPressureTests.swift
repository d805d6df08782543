import Sluice
import SluiceTesting
import Testing

/// With a tiny inbox limit, sources are throttled all the time; the run must
/// still finish (no deadlock) with every item delivered exactly once.
@Suite struct BackPressureTests {
    // Enough to stay throttled most of the run (a 100-item limit against
    // batches of 50), small enough to finish well within the hang bound
    // on a loaded 2-core machine.
    static let itemCount = 100_000

    @Test(arguments: [Duration.seconds(10), .milliseconds(5)])
    func aSmallPendingLimitNeitherDeadlocksNorDropsItems(epochInterval: Duration) throws {
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        let half = Self.itemCount / 2
        flow.input("in", TestingSource(partitions: [Array(0..<half), Array(half..<Self.itemCount)], batchSize: 50))
            .keyOn("key") { "k\($0 % 997)" }
            .statefulMap("count") { (count: Int?, value: Int) in
                ((count ?? 0) + 1, value)
            }
            .map("value") { $0.value }
            .output("out", sink)

        var configuration = RunConfiguration(workers: 2)
        configuration.maxPendingItemsPerWorker = 100
        configuration.epochInterval = epochInterval
        try expectRunSucceeds(flow, configuration: configuration)

        let written = sink.items
        #expect(written.count == Self.itemCount)
        #expect(written.sorted() == Array(0..<Self.itemCount), "some items were lost or duplicated")
    }

    @Test func keyedCountsAreExactUnderBackPressure() throws {
        let flow = Dataflow("test")
        let sink = TestingSink<KV<Int>>()
        let half = Self.itemCount / 2
        flow.input("in", TestingSource(partitions: [Array(0..<half), Array(half..<Self.itemCount)], batchSize: 50))
            .countFinal("count") { "k\($0 % 1000)" }
            .asKV()
            .output("out", sink)

        var configuration = RunConfiguration(workers: 2)
        configuration.maxPendingItemsPerWorker = 100
        try expectRunSucceeds(flow, configuration: configuration)

        let counts = sink.items
        #expect(counts.count == 1000)
        #expect(Set(counts.map(\.key)).count == 1000)
        #expect(counts.allSatisfy { $0.value == Self.itemCount / 1000 }, "\(counts.filter { $0.value != 200 }.prefix(5))")
    }
}
