import CoreMetrics
import Foundation
// sluice-bench: the Sluice side of the Sluice-vs-Bytewax benchmark (see scripts/bench.sh
// and Benchmarks/bytewax/bench_bytewax.py, which implements the same workloads).
//
//   sluice-bench --workload map-filter|keyed-count --items N --workers W
//                [--epoch-interval S] [--recovery-dir DIR]
//   sluice-bench --workload codec --items N   (the cross-process item codec, see CodecBench.swift)
//   sluice-bench --workload keyed-count --items N --workers W --processes P
//                (a cluster of P members in this process, W workers each, over real
//                TCP on 127.0.0.1 via spawnCluster: the cost of cross-process exchange)
//
// map-filter:  ints 0..N-1 -> map(x*2+1) -> filter(x % 3 != 0) -> counting sink
// keyed-count: N words "w\((i * 7919) % 10000)" -> keyOn(identity)
//              -> statefulMap(running count per word) -> counting sink
// window-count: N events (key "k\((i * 7919) % 1000)", event time start + i ms)
//              -> keyOn -> countWindow(EventClock(wait 0 s), 10 s tumbling windows)
//              -> counting sink of window results
// window-count-stream: the same, with the input's `watermarks` (per partition,
//              allowance 0) and a StreamClock: windows close on the stream's
//              watermark, merged over partitions and workers
//
// The input is split into W TestingSource partitions (P x W with --processes;
// batch size 1000) so each worker reads a share. Input data is generated
// before timing; only `run` is timed. Prints exactly one line on stdout:
//   RESULT workload=<w> workers=<n> items=<N> seconds=<s> items_per_s=<x> ... max_rss_kb=<k> input_rss_kb=<k>
// (max_rss_kb: the peak resident set during the run, VmHWM reset just before it, which
// includes the generated input;
// input_rss_kb: the resident set with the input generated, just before the run)
// (with --processes P: `processes=<P>` after `workers=<W per process>`)
// With --recovery-dir (a fresh directory), the run snapshots into a SQLite
// recovery store every epoch, and the line adds
//   snapshots=<writes> mean_write_ms=<x> max_write_ms=<x> store_bytes=<n>
// and the sink's item count on stderr as a sanity check (exit 1 on mismatch).
// With --metrics on, a Prometheus-like backend (BenchMetricsFactory) is
// bootstrapped first, so every Sluice metric is recorded, and the line adds
//   metrics=on series=<metric series created>

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Sluice
import SluiceRecovery
import SluiceTesting
import Synchronization

// MARK: - Timed recovery store

/// Wraps a store and records how long each worker's snapshot write takes.
final class TimedRecoveryStore: RecoveryStore, Sendable {
    let inner: any RecoveryStore
    let writes = Mutex<[Duration]>([])

    init(_ inner: any RecoveryStore) { self.inner = inner }

    func resumePoint() throws -> ResumePoint? { try inner.resumePoint() }
    func beginExecution(workerCount: Int) throws { try inner.beginExecution(workerCount: workerCount) }
    func write(epoch: Epoch, worker: WorkerIndex, records: [SnapshotRecord], ended: Bool) throws {
        let took = try ContinuousClock().measure {
            try inner.write(epoch: epoch, worker: worker, records: records, ended: ended)
        }
        writes.withLock { $0.append(took) }
    }
}

// MARK: - Counting sink

/// Items written, shared by every worker's sink partition.
final class SharedCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// A sink that only counts: each worker adds its batch sizes to one shared counter.
struct CountingSink<Item: Sendable>: PerWorkerSink {
    let counter: SharedCounter

    func buildPartition(worker: WorkerIndex, workerCount: Int) throws -> CountingPartition<Item> {
        CountingPartition(counter: counter)
    }
}

final class CountingPartition<Item: Sendable>: SinkPartition {
    private let counter: SharedCounter

    init(counter: SharedCounter) { self.counter = counter }

    func write(_ batch: [Item]) throws {
        counter.value.add(batch.count, ordering: .relaxed)  // once per batch
    }
}

// MARK: - Arguments

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("sluice-bench: \(message)\n").utf8))
    FileHandle.standardError.write(Data(("usage: sluice-bench --workload map-filter|keyed-count|window-count|window-count-stream|codec --items N --workers W [--processes P]\n").utf8))
    exit(2)
}

var workload = ""
var items = 0
var workers = 1
var epochSeconds: Double?
var recoveryDirectory: String?
var processes = 1
/// `--metrics on`: a Prometheus-like backend records every Sluice metric.
var metricsOn = false
do {
    var args = CommandLine.arguments.dropFirst()
    while let flag = args.popFirst() {
        guard let value = args.popFirst() else { fail("missing value for \(flag)") }
        switch flag {
        case "--workload": workload = value
        case "--items":
            guard let n = Int(value), n >= 0 else { fail("--items must be a non-negative integer") }
            items = n
        case "--workers":
            guard let n = Int(value), n >= 1 else { fail("--workers must be a positive integer") }
            workers = n
        case "--epoch-interval":
            guard let s = Double(value), s > 0 else { fail("--epoch-interval must be positive seconds") }
            epochSeconds = s
        case "--recovery-dir": recoveryDirectory = value
        case "--metrics":
            guard ["on", "off"].contains(value) else { fail("--metrics must be on or off") }
            metricsOn = value == "on"
        case "--processes":
            guard let n = Int(value), n >= 1 else { fail("--processes must be a positive integer") }
            processes = n
        default: fail("unknown argument \(flag)")
        }
    }
}
let metricsBackend = metricsOn ? BenchMetricsFactory() : nil
if let metricsBackend { MetricsSystem.bootstrap(metricsBackend) }
if workload == "codec" {
    runCodecBenchmark(items: items)
    exit(0)
}
guard ["map-filter", "keyed-count", "window-count", "window-count-stream"].contains(workload) else { fail("unknown --workload '\(workload)'") }
if processes > 1, recoveryDirectory != nil { fail("--processes does not combine with --recovery-dir") }
/// Workers in the whole run: each reads one input partition.
let totalWorkers = workers * processes

/// Splits 0..<count into `parts` contiguous ranges of nearly equal size.
func chunks(_ count: Int, _ parts: Int) -> [Range<Int>] {
    (0..<parts).map { p in (count * p / parts)..<(count * (p + 1) / parts) }
}

// MARK: - Workloads (data generated here, untimed)

let counter = SharedCounter()
let flow = Dataflow("bench")
let expected: Int

switch workload {
case "map-filter":
    let parts = chunks(items, totalWorkers).map { Array($0) }
    let nums = flow.input("inp", TestingSource(partitions: parts, batchSize: 1000))
    nums.map("double") { $0 * 2 + 1 }
        .filter("drop3") { $0 % 3 != 0 }
        .output("count", CountingSink(counter: counter))
    // (2x+1) % 3 == 0 exactly when x % 3 == 1.
    expected = items - (items + 1) / 3
case "window-count", "window-count-stream":
    struct Event: Sendable { let key: String; let time: Date }
    let start = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01 00:00:00 UTC
    // Each key's events stay in one partition, in time order (the watermark is per key).
    var parts = [[Event]](repeating: [], count: totalWorkers)
    // Sized up front: an array grown by doubling holds its old and new buffers
    // at once while it copies, a peak (up to twice the input) that is not
    // the run's.
    for worker in parts.indices { parts[worker].reserveCapacity(items / totalWorkers + 1000) }
    for i in 0..<items {
        let key = (i * 7919) % 1000
        parts[key % totalWorkers].append(Event(key: "k\(key)", time: start.addingTimeInterval(Double(i) / 1000)))
    }
    let source = TestingSource(partitions: parts, batchSize: 1000)
    let windower = TumblingWindower(length: .seconds(10), alignTo: start)
    let windows: DataStream<(key: String, value: WindowResult<Int>)>
    if workload == "window-count" {
        windows = flow.input("inp", source).keyOn("key") { $0.key }
            .countWindow(
                "count_window", clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .zero),
                windower: windower).down
    } else {
        windows = flow.input("inp", source, watermarks: Watermarks(timestamp: { $0.time }, allowance: .zero))
            .keyOn("key") { $0.key }
            .countWindow("count_window", clock: StreamClock(timestamp: { $0.time }), windower: windower).down
    }
    windows.output("count", CountingSink(counter: counter))
    // Consecutive events of a window have min(m, 1000) distinct keys (7919 is coprime with 1000).
    expected = (items / 10_000) * 1000 + min(items % 10_000, 1000)
default:  // keyed-count
    let parts = chunks(items, totalWorkers).map { range in range.map { "w\(($0 * 7919) % 10000)" } }
    let words = flow.input("inp", TestingSource(partitions: parts, batchSize: 1000))
    words.keyOn("key") { $0 }
        .statefulMap("running_count") { (count: Int?, _: String) in
            let n = (count ?? 0) + 1
            return (n, n)
        }
        .output("count", CountingSink(counter: counter))
    expected = items
}

// MARK: - Timed run

var configuration = RunConfiguration(workers: workers)
if let epochSeconds { configuration.epochInterval = .milliseconds(Int64(epochSeconds * 1000)) }
var timedStore: TimedRecoveryStore?
if let recoveryDirectory {
    do {
        // ":memory:" measures the engine's side alone (InMemoryRecoveryStore).
        timedStore = TimedRecoveryStore(
            recoveryDirectory == ":memory:"
                ? InMemoryRecoveryStore() : try SQLiteRecoveryStore(directory: recoveryDirectory, flowID: flow.id))
    } catch {
        fail("cannot open the recovery store: \(error)")
    }
    configuration.recoveryStore = timedStore
}

/// Resident memory with the input generated, before the run (the peak includes the input).
let inputResidentKB = ResidentMemory.current() ?? -1
// The peak reported is the run's (with the input resident), not the input generation's.
ResidentMemory.resetPeak()
let clock = ContinuousClock()
let elapsed: Duration
do {
    elapsed = try clock.measure {
        if processes > 1 {
            // Start-up (binding, connecting, the handshake) is inside the timing: a few ms.
            try spawnCluster(flow, processes: processes, workersPerProcess: workers, configuration: configuration)
        } else {
            try run(flow, configuration: configuration)
        }
    }
} catch {
    FileHandle.standardError.write(Data(("sluice-bench: run failed: \(error)\n").utf8))
    exit(1)
}

let got = counter.value.load(ordering: .sequentiallyConsistent)
FileHandle.standardError.write(Data(("sluice \(workload): sink count=\(got) expected=\(expected)\n").utf8))
if got != expected {
    FileHandle.standardError.write(Data(("sluice-bench: COUNT MISMATCH\n").utf8))
    exit(1)
}

let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let millis = Int((seconds * 1000).rounded())
let secondsText = "\(millis / 1000)." + String(String(millis % 1000 + 1000).dropFirst())
let perSecond = seconds > 0 ? Int((Double(items) / seconds).rounded()) : 0
var recoveryText = ""
if let timedStore, let recoveryDirectory {
    let writes = timedStore.writes.withLock { $0 }
    let millis = writes.map { $0.seconds * 1000 }
    if ProcessInfo.processInfo.environment["SLUICE_BENCH_WRITES"] != nil {
        FileHandle.standardError.write(Data(("write ms: \(millis.map { Int($0) })\n").utf8))
    }
    let mean = millis.isEmpty ? 0 : millis.reduce(0, +) / Double(millis.count)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: recoveryDirectory)) ?? []
    let bytes = files.compactMap {
        (try? FileManager.default.attributesOfItem(atPath: recoveryDirectory + "/" + $0))?[.size] as? Int
    }.reduce(0, +)
    recoveryText = " snapshots=\(writes.count) mean_write_ms=\(String(format: "%.1f", mean))"
        + " max_write_ms=\(String(format: "%.1f", millis.max() ?? 0)) store_bytes=\(bytes)"
}
let processesText = processes > 1 ? " processes=\(processes)" : ""
let metricsText = metricsBackend.map { " metrics=on series=\($0.seriesCount)" } ?? ""
let memoryText = " max_rss_kb=\(ResidentMemory.peak() ?? -1) input_rss_kb=\(inputResidentKB)"
print("RESULT workload=\(workload) workers=\(workers)\(processesText) items=\(items) seconds=\(secondsText) items_per_s=\(perSecond)\(recoveryText)\(metricsText)\(memoryText)")
