import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// With a tiny inbox limit, sources are throttled all the time; the run must
/// still finish (no deadlock) with every item delivered exactly once, and the
/// throttles must show in `sluice_worker_backpressure_throttles_total` (so a
/// run without back-pressure fails here).
@Suite struct BackPressureTests {
    // Enough to stay throttled most of the run (a 100-item limit against
    // batches of 50), small enough to finish well within the hang bound
    // on a loaded 2-core machine.
    static let itemCount = 100_000
    /// Five workers, of which the metrics of the last (index 4) are read: the
    /// other suites that throttle run at most three workers, so only these
    /// runs count throttles on worker 4 (one metrics backend serves the process).
    static let workers = 5
    static let watchedWorker = [("worker", "4")]
    static let throttles = "sluice_worker_backpressure_throttles_total"
    private let metrics = SharedTestMetrics.shared

    /// The throttles counted on the watched worker so far.
    private func throttleCount() -> Int64 {
        metrics.test.counterTotal(label: Self.throttles, dimensions: Self.watchedWorker)
    }

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

        var configuration = RunConfiguration(workers: Self.workers)
        configuration.maxPendingItemsPerWorker = 100
        configuration.epochInterval = epochInterval
        let throttlesBefore = throttleCount()
        try expectRunSucceeds(flow, configuration: configuration)
        #expect(throttleCount() > throttlesBefore, "the sources were never throttled: no back-pressure")

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

        var configuration = RunConfiguration(workers: Self.workers)
        configuration.maxPendingItemsPerWorker = 100
        let throttlesBefore = throttleCount()
        try expectRunSucceeds(flow, configuration: configuration)
        #expect(throttleCount() > throttlesBefore, "the sources were never throttled: no back-pressure")

        let counts = sink.items
        #expect(counts.count == 1000)
        #expect(Set(counts.map(\.key)).count == 1000)
        #expect(counts.allSatisfy { $0.value == Self.itemCount / 1000 }, "\(counts.filter { $0.value != 200 }.prefix(5))")
    }
}
