import ArgumentParser
import Foundation
import Sluice
import SluiceTesting
import Testing

// Each test is a README code block, verbatim but for `print` → `#expect`.
// Change both together.

private final class RunningTotal: StatefulLogic {
    var total: Int
    init(resume: Int?) { total = resume ?? 0 }

    func onItem(_ value: Int, emit: inout KeyedEmitter<Int>) throws -> StateAction {
        total += value
        emit(total)
        return .retain
    }

    func onEOF(emit: inout KeyedEmitter<Int>) throws -> StateAction {
        emit(total)
        return .discard
    }

    func snapshot() -> Int { total }
}

private final class CountingPartition: SourcePartition {
    var next: Int
    let limit: Int
    init(from: Int, limit: Int) { next = from; self.limit = limit }

    func nextBatch() throws -> [Int]? {
        if next >= limit { return nil }
        let end = min(next + 100, limit)
        defer { next = end }
        return Array(next..<end)
    }

    func snapshot() -> Int { next }
}

private struct Numbers: PartitionedSource {
    func listPartitions() throws -> [PartitionKey] { ["low", "high"] }
    func buildPartition(_ key: PartitionKey, resumeState: Int?) throws -> CountingPartition {
        key == "low" ? CountingPartition(from: resumeState ?? 0, limit: 500)
                     : CountingPartition(from: resumeState ?? 500, limit: 1000)
    }
}

private struct Reading: Sendable { let sensor: String; let time: Date }
private struct Order: Codable, Sendable { let id: String; let time: Date }
private struct Payment: Codable, Sendable { let order: String; let time: Date; let amount: Int }

@Suite struct ReadmeTests {
    @Test func windows() throws {
        let start = Date(timeIntervalSince1970: 1_718_668_800)   // 2024-06-18 00:00:00 UTC
        let readings = [("a", 0.0), ("a", 4.0), ("b", 5.0), ("a", 12.0), ("a", 3.0), ("b", 14.0)]
            .map { Reading(sensor: $0.0, time: start.addingTimeInterval($0.1)) }

        let flow = Dataflow("sensors")
        let counts = TestingSink<String>()
        let times = TestingSink<String>()
        let late = TestingSink<String>()
        let windows = flow.input("readings", TestingSource(readings))
            .keyOn("by_sensor") { $0.sensor }
            .countWindow("per_10s",
                         clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: .seconds(2)),
                         windower: TumblingWindower(length: .seconds(10), alignTo: start))
        windows.down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value)" }.output("counts", counts)
        windows.down.map("format_times") { "\($0.key) \(Int($0.value.start.timeIntervalSince(start)))-\(Int($0.value.end.timeIntervalSince(start)))s" }
            .output("times", times)
        windows.late.map("format_late") { "\($0.key)@\($0.value.value.time.timeIntervalSince(start))" }.output("late", late)
        try run(flow, workers: 2)
        #expect(counts.items.sorted() == ["a#0=2", "a#1=1", "b#0=1", "b#1=1"])
        #expect(times.items.sorted() == ["a 0-10s", "a 10-20s", "b 0-10s", "b 10-20s"])
        #expect(late.items == ["a@3.0"])
    }

    @Test func streamWatermark() throws {
        let start = Date(timeIntervalSince1970: 1_718_668_800)   // 2024-06-18 00:00:00 UTC
        let readings = [("a", 0.0), ("b", 5.0), ("b", 30.0), ("a", 3.0), ("a", 31.0)]
            .map { Reading(sensor: $0.0, time: start.addingTimeInterval($0.1)) }

        let flow = Dataflow("stream_sensors")
        let counts = TestingSink<String>()
        let late = TestingSink<String>()
        let windows = flow.input("readings", TestingSource(readings),
                                 watermarks: Watermarks(timestamp: { $0.time }, allowance: .seconds(2),
                                                        idleAfter: .seconds(10)))
            .keyOn("by_sensor") { $0.sensor }
            .countWindow("per_10s", clock: StreamClock(timestamp: { $0.time }),
                         windower: TumblingWindower(length: .seconds(10), alignTo: start))
        windows.down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value)" }.output("counts", counts)
        windows.late.map("format_late") { "\($0.key)@\($0.value.value.time.timeIntervalSince(start))" }.output("late", late)
        try run(flow, workers: 1)
        #expect(counts.items.sorted() == ["a#0=1", "a#3=1", "b#0=1", "b#3=1"])
        #expect(late.items == ["a@3.0"])
    }

    @Test func joinWindow() throws {
        let start = Date(timeIntervalSince1970: 1_718_668_800)   // 2024-06-18 00:00:00 UTC
        let flow = Dataflow("shop")
        let orders = flow.input("orders", TestingSource([
            Order(id: "o1", time: start), Order(id: "o2", time: start.addingTimeInterval(20)),
            Order(id: "o3", time: start.addingTimeInterval(40)),
        ])).keyOn("by_order") { $0.id }
        let payments = flow.input("payments", TestingSource([
            Payment(order: "o1", time: start.addingTimeInterval(30), amount: 5),
            Payment(order: "o2", time: start.addingTimeInterval(25), amount: 7),
        ])).keyOn("by_paid_order") { $0.order }
        let paid = orders.joinWindow(
            "paid_within_the_minute", payments,
            clock: EventClock(timestamp: { $0.either(left: \.time, right: \.time) }, waitForSystemDuration: .seconds(60)),
            windower: TumblingWindower(length: .seconds(60), alignTo: start))
        let rows = TestingSink<String>()
        paid.down.map("format") { "\($0.key): \($0.value.value.right.map { String($0.amount) } ?? "unpaid")" }
            .output("rows", rows)
        try run(flow, workers: 2)
        #expect(rows.items.sorted() == ["o1: 5", "o2: 7", "o3: unpaid"])
    }

    @Test func clusterInOneProgram() throws {
        let flow = Dataflow("cluster_count")
        let counts = TestingSink<String>()
        flow.input("words", TestingSource(["a", "b", "a", "c", "a"]))
            .keyOn("by_word") { $0 }
            .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", counts)
        try spawnCluster(flow, processes: 2, workersPerProcess: 2)
        #expect(counts.items.sorted() == ["a=3", "b=1", "c=1"])
    }

    @Test func firstDataflow() throws {
        let flow = Dataflow("first")
        let words = TestingSink<String>()
        flow.input("lines", TestingSource(["the quick fox", "the lazy dog"]))
            .flatMap("split") { $0.split(separator: " ").map(String.init) }
            .filter("long") { $0.count > 3 }
            .output("out", words)
        try runMain(flow)
        #expect(words.items == ["quick", "lazy"])
    }

    @Test func keyedState() throws {
        let flow = Dataflow("word_count")
        let counts = TestingSink<String>()
        flow.input("words", TestingSource(["a", "b", "a", "c", "a"]))
            .keyOn("by_word") { $0 }
            .statefulMap("count") { (count: Int?, _: String) in
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", counts)
        try run(flow, workers: 2)
        #expect(counts.items.sorted() == ["a=1", "a=2", "a=3", "b=1", "c=1"])
    }

    @Test func customStatefulLogic() throws {
        let flow = Dataflow("totals")
        let out = TestingSink<String>()
        flow.input("amounts", TestingSource([("x", 1), ("y", 5), ("x", 2)].map { (key: $0.0, value: $0.1) }))
            .stateful("total") { (resume: Int?) in RunningTotal(resume: resume) }
            .map("format") { "\($0.key):\($0.value)" }
            .output("out", out)
        try runMain(flow)
        #expect(out.items == ["x:1", "y:5", "x:3", "x:3", "y:5"])
    }

    @Test func customPartitionedSource() throws {
        let flow = Dataflow("numbers")
        let sink = TestingSink<Int>()
        flow.input("numbers", Numbers()).filter("even") { $0 % 2 == 0 }.output("out", sink)
        try run(flow, workers: 2)
        #expect(sink.items.count == 500)
    }

    @Test func fileSourceUppercaseJobShape() throws {
        // The `MyJob` block: FileSource → map → sink, run by `sluice.run(flow)`.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID()).txt").path
        try "hello\nworld\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = try SluiceOptions.parse(["-w", "2"])
        let flow = Dataflow("my_job")
        let out = TestingSink<String>()
        flow.input("lines", FileSource(path: path))
            .map("upper") { $0.uppercased() }
            .output("print", out)
        try options.run(flow, arguments: ["-w", "2"], environment: [:])
        #expect(out.items.sorted() == ["HELLO", "WORLD"])
    }
}
