import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// The engine records the metrics of the README's Monitoring section through
/// swift-metrics. One backend serves the whole test process
/// (`SharedTestMetrics`), so each test uses its own flow id (the `step`
/// labels) and, for per-worker metrics, worker indexes no other test uses
/// (it runs 9 workers and reads worker 8's).
@Suite struct MetricsTests {
    private let metrics = SharedTestMetrics.shared

    private func total(_ label: String, step: String) -> Int64 {
        metrics.test.counterTotal(label: label, dimensions: [("step", step)])
    }

    private func stepNames(_ flowID: String) -> [String] {
        Set(metrics.test.counters(label: "sluice_step_items_in_total").compactMap { counter in
            counter.dimensions.first { $0.0 == "step" && $0.1.hasPrefix(flowID + ".") }?.1
        }).sorted()
    }

    @Test(arguments: [1, 2, 3])
    func itemCountersEqualTheItemsEachStepProcessed(workers: Int) throws {
        let flowID = "metrics_items_w\(workers)"
        let flow = Dataflow(flowID)
        let sink = TestingSink<Int>()
        flow.input("numbers", TestingSource(partitions: [Array(0..<400), Array(400..<700), Array(700..<1000)], batchSize: 7))
            .map("double") { $0 * 2 }
            .filter("quarter") { $0 % 4 == 0 }
            .output("out", sink)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: workers))

        #expect(sink.items.count == 500)
        #expect(total("sluice_step_items_out_total", step: "\(flowID).numbers") == 1000)
        #expect(total("sluice_step_items_in_total", step: "\(flowID).double") == 1000)
        #expect(total("sluice_step_items_out_total", step: "\(flowID).double") == 1000)
        #expect(total("sluice_step_items_in_total", step: "\(flowID).quarter") == 1000)
        #expect(total("sluice_step_items_out_total", step: "\(flowID).quarter") == 500)
        #expect(total("sluice_step_items_in_total", step: "\(flowID).out") == 500)
        // Batches of at most 7 items from the source: at least 1000 / 7 of them.
        #expect(total("sluice_step_batches_total", step: "\(flowID).numbers") >= 143)
        // One counter per worker that ran the step, each labelled with it.
        let perWorker = metrics.test.counters(label: "sluice_step_items_in_total", dimensions: [("step", "\(flowID).double")])
        let labelled = Set(perWorker.compactMap { $0.dimensions.first { $0.0 == "worker" }?.1 })
        #expect(labelled.isSubset(of: Set((0..<workers).map(String.init))) && !labelled.isEmpty, "\(labelled)")
    }

    @Test func aKeyedRunningCountOnThreeWorkersCountsEveryItemOnce() throws {
        let flowID = "metrics_keyed"
        let flow = Dataflow(flowID)
        let sink = TestingSink<String>()
        flow.input("numbers", TestingSource(partitions: [Array(0..<600), Array(600..<1200)], batchSize: 50))
            .keyOn("key") { "k\($0 % 13)" }
            .statefulMap("count") { (count: Int?, _: Int) -> (Int?, Int) in ((count ?? 0) + 1, (count ?? 0) + 1) }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", sink)
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 3))

        #expect(sink.items.count == 1200)
        let steps = stepNames(flowID)
        let counting = steps.filter { $0.hasPrefix("\(flowID).count") }
        #expect(!counting.isEmpty, "steps with metrics: \(steps)")
        for step in counting {
            // Summed over the three workers, the stateful step took and emitted every item once.
            #expect(total("sluice_step_items_in_total", step: step) == 1200, "\(step)")
            #expect(total("sluice_step_items_out_total", step: step) == 1200, "\(step)")
        }
        #expect(total("sluice_step_items_in_total", step: "\(flowID).out") == 1200)
    }

    @Test func timeInUserCodeIsCountedPerStep() throws {
        let flowID = "metrics_user_code"
        let flow = Dataflow(flowID)
        flow.input("numbers", TestingSource(Array(0..<20), batchSize: 1))
            .map("slow") { (number: Int) -> Int in
                Thread.sleep(forTimeInterval: 0.005)  // at least 20 × 5 ms in this closure
                return number
            }
            .output("out", TestingSink<Int>())
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 1))

        let seconds = metrics.floatingPointTotal(
            label: "sluice_step_user_code_seconds_total", dimensions: [("step", "\(flowID).slow")])
        #expect(seconds >= 0.1, "\(seconds) s")
        let outSeconds = metrics.floatingPointTotal(
            label: "sluice_step_user_code_seconds_total", dimensions: [("step", "\(flowID).numbers")])
        #expect(outSeconds == 0, "a source step has no user code timed: \(outSeconds)")
    }

    @Test func theSnapshotTimerHasOneSamplePerSnapshotWritten() throws {
        let store = CountingStore()
        var configuration = RunConfiguration(workers: 9, epochInterval: .milliseconds(5))
        configuration.recoveryStore = store
        let flow = Dataflow("metrics_snapshots")
        // Nine partitions, so worker 8 reads one; slow enough to span several epochs.
        let partitions = (0..<9).map { part in Array(part * 100..<(part + 1) * 100) }
        flow.input("numbers", TestingSource(partitions: partitions, batchSize: 5))
            .map("slow") { (number: Int) -> Int in
                if number % 50 == 0 { Thread.sleep(forTimeInterval: 0.01) }
                return number
            }
            .keyOn("key") { "k\($0 % 5)" }
            .statefulMap("sum") { (sum: Int?, value: Int) -> (Int?, Int) in ((sum ?? 0) + value, (sum ?? 0) + value) }
            .output("out", TestingSink<(key: String, value: Int)>())
        try expectRunSucceeds(flow, configuration: configuration)

        let written = store.writes(by: 8)
        #expect(written >= 1)
        let timer = try metrics.test.expectTimer("sluice_snapshot_write_seconds", [("worker", "8")])
        #expect(timer.values.count == written, "samples \(timer.values.count), snapshots written \(written)")
        let bytes = try metrics.test.expectRecorder("sluice_snapshot_write_bytes", [("worker", "8")])
        #expect(bytes.values.count == written)
        #expect(bytes.values.contains { $0 > 0 }, "the snapshots hold states and positions")
        // The committed-epoch gauge reached the epoch the store committed last.
        let committed = try #require(store.committedEpoch)
        let gauge = try metrics.test.expectGauge("sluice_epoch_committed")
        #expect(gauge.values.contains(Double(committed.rawValue)), "\(gauge.values) lacks \(committed)")
        let current = try metrics.test.expectGauge("sluice_epoch_current", [("worker", "8")])
        #expect((current.values.max() ?? 0) >= Double(committed.rawValue))
        let closes = try metrics.test.expectTimer("sluice_epoch_close_seconds", [("worker", "8")])
        #expect(!closes.values.isEmpty)
    }

    @Test func processGaugesSayRunningAndReadyDuringARunAndNotAfter() throws {
        let seen = Mutex<[Double?]>([])
        let flow = Dataflow("metrics_process")
        let metrics = self.metrics
        flow.input("numbers", TestingSource(Array(0..<3)))
            .inspect("look") { _ in
                let running = try? metrics.test.expectGauge("sluice_running").lastValue
                let ready = try? metrics.test.expectGauge("sluice_ready").lastValue
                seen.withLock { $0.append(contentsOf: [running ?? nil, ready ?? nil]) }
            }
            .output("out", TestingSink<Int>())
        try expectRunSucceeds(flow, configuration: RunConfiguration(workers: 1))
        #expect(seen.withLock { $0 }.allSatisfy { $0 == 1 }, "\(seen.withLock { $0 })")
        let running = try metrics.test.expectGauge("sluice_running")
        #expect(running.values.contains(0) && running.values.contains(1))
    }

    @Test func clusterPeersCountTheBytesTheyExchange() throws {
        let before = bytes()
        let flow = Dataflow("metrics_cluster")
        let sink = TestingSink<String>()
        flow.input("numbers", TestingSource(partitions: [Array(0..<2000), Array(2000..<4000)], batchSize: 100))
            .keyOn("key") { "k\($0 % 11)" }
            .statefulMap("count") { (count: Int?, _: Int) -> (Int?, Int) in ((count ?? 0) + 1, (count ?? 0) + 1) }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", sink)
        try spawnCluster(flow, processes: 2, workersPerProcess: 1)
        #expect(sink.items.count == 4000)
        let after = bytes()
        // About half of the 4,000 items cross to the other process either
        // way, several bytes each: each side sent and received thousands.
        for peer in ["0", "1"] {
            #expect(after.sent[peer, default: 0] - before.sent[peer, default: 0] > 4_000, "sent to \(peer)")
            #expect(after.received[peer, default: 0] - before.received[peer, default: 0] > 4_000, "received from \(peer)")
        }
    }

    @Test func heartbeatsMeasureTheRoundTripToEachPeer() throws {
        var options = ClusterMeshOptions()
        options.heartbeatInterval = .milliseconds(50)
        let metrics = self.metrics
        func flow(_ sink: TestingSink<Int>) -> Dataflow {
            let flow = Dataflow("metrics_heartbeats")
            flow.input("numbers", TestingSource(partitions: [[1], [2]]))
                .map("await_rtt") { (number: Int) -> Int in
                    // Hold the run until this process measured a round trip
                    // (heartbeats go on while the worker waits); bounded.
                    let deadline = Date(timeIntervalSinceNow: 20)
                    while Date() < deadline {
                        if !metrics.test.timers(label: "sluice_cluster_heartbeat_rtt_seconds").allSatisfy(\.values.isEmpty) {
                            return number
                        }
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                    return -number
                }
                .output("out", sink)
            return flow
        }
        let sink = TestingSink<Int>()
        let results = try runClusterMembers([flow(sink), flow(sink)], configuration: RunConfiguration(), options: options)
        for result in results { try result.get() }
        #expect(sink.items.sorted() == [1, 2], "a negative item waited 20 s for a round trip: \(sink.items)")
        let samples = metrics.test.timers(label: "sluice_cluster_heartbeat_rtt_seconds").flatMap(\.values)
        #expect(!samples.isEmpty && samples.allSatisfy { $0 > 0 && $0 < 20_000_000_000 }, "\(samples.prefix(5))")
    }

    private func bytes() -> (sent: [String: Int64], received: [String: Int64]) {
        func byPeer(_ label: String) -> [String: Int64] {
            var totals: [String: Int64] = [:]
            for counter in metrics.test.counters(label: label) {
                guard let peer = counter.dimensions.first(where: { $0.0 == "peer" })?.1 else { continue }
                totals[peer, default: 0] += counter.totalValue
            }
            return totals
        }
        return (byPeer("sluice_cluster_bytes_sent_total"), byPeer("sluice_cluster_bytes_received_total"))
    }
}

/// An in-memory store that counts each worker's snapshot writes.
private final class CountingStore: RecoveryStore, Sendable {
    private let inner = InMemoryRecoveryStore()
    private let counts = Mutex<[Int: Int]>([:])
    private let lastCommitted = Mutex<Epoch?>(nil)

    func writes(by worker: Int) -> Int { counts.withLock { $0[worker, default: 0] } }
    var committedEpoch: Epoch? { (try? inner.resumePoint())?.epoch }

    func resumePoint() throws -> ResumePoint? { try inner.resumePoint() }
    func beginExecution(workerCount: Int) throws { try inner.beginExecution(workerCount: workerCount) }
    func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        try inner.write(epoch: epoch, worker: worker, records: records, ended: ended)
        counts.withLock { $0[worker.rawValue, default: 0] += 1 }
    }
}
