import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Failures while running: every one stops the run (it never hangs) with a
/// `DataflowError` naming the step and, where it applies, the item or partition.
@Suite struct ErrorTests {
    @Test(arguments: workerCounts)
    func aThrowingMapStopsTheRunNamingStepItemAndCause(workers: Int) throws {
        let flow = Dataflow("test")
        let items = (0..<300).map { "item-\($0)" }
        flow.input("in", TestingSource(partitions: [Array(items[..<100]), Array(items[100..<200]), Array(items[200...])]))
            .map("parse") { item in
                if item == "item-150" { throw Boom("cannot parse \(item)") }
                return item.count
            }
            .output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, worker, item, underlying) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.parse")
        #expect(error.step == "test.parse")
        #expect((0..<workers).contains(worker.rawValue))
        #expect(item?.contains("item-150") == true, "item: \(item ?? "nil")")
        #expect((underlying as? Boom)?.reason == "cannot parse item-150")
        #expect(error.description.contains("test.parse"))
        #expect(error.description.contains("item-150"))
        #expect(error.description.contains("boom: cannot parse item-150"))
    }

    @Test(arguments: workerCounts)
    func aThrowingMapAfterAnExchangeNamesTheWorkerThatRanIt(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource(Array(0..<200), batchSize: 5))
            .redistribute("spread")
            .map("check") { value in
                if value == 123 { throw Boom("no 123") }
                return value
            }
            .output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, worker, item, _) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.check")
        #expect((0..<workers).contains(worker.rawValue))
        #expect(item == "123")
        #expect(error.description.contains("failed on \(worker)"))
        #expect(error.description.contains("no 123"))
    }

    @Test func aVeryLongItemIsTruncatedInTheMessage() throws {
        let long = String(repeating: "x", count: 5_000) + "-TAIL"
        let flow = Dataflow("test")
        flow.input("in", TestingSource(["short", long]))
            .map("check") { line in
                if line.count > 100 { throw Boom("line too long") }
                return line
            }
            .output("out", TestingSink<String>())

        let error = try expectRunFails(flow, workers: 1)
        guard case let .stepFailed(step, _, item, _) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.check")
        let text = try #require(item)
        #expect(text.contains("truncated"))
        #expect(text.hasPrefix("\"xxxx"))
        #expect(!text.contains("TAIL"))
        #expect(text.count < 300)
        #expect(error.description.contains("truncated"))
        #expect(error.description.count < 500)
        #expect(error.description.contains("line too long"))
    }

    @Test(arguments: workerCounts)
    func aThrowingStatefulMapperNamesTheStatefulStep(workers: Int) throws {
        let flow = Dataflow("test")
        let words = (0..<60).map { "w\($0 % 6)" } + ["poison"] + (0..<60).map { "w\($0 % 6)" }
        flow.input("in", TestingSource(words))
            .keyOn("key") { $0 }
            .statefulMap("count") { (count: Int?, word: String) in
                if word == "poison" { throw Boom("cannot count \(word)") }
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .asKV()
            .output("out", TestingSink<KV<Int>>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, worker, item, underlying) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.count")
        // The key's owner ran the mapper.
        #expect(worker.rawValue == StableHash.route("poison", workerCount: workers))
        #expect(item?.contains("poison") == true, "item: \(item ?? "nil")")
        #expect(underlying is Boom)
        #expect(error.description.contains("test.count"))
        #expect(error.description.contains("cannot count poison"))
    }

    @Test(arguments: workerCounts)
    func aThrowingKeyFunctionNamesTheKeyStep(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource(["a=1", "b=2", "broken", "c=3"]))
            .keyOn("by_name") { line in
                guard let name = line.split(separator: "=").first, line.contains("=") else {
                    throw Boom("no '=' in \(line)")
                }
                return String(name)
            }
            .output("out", TestingSink<(key: String, value: String)>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, _, item, _) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.by_name")
        #expect(item == "\"broken\"")
        #expect(error.description.contains("no '=' in broken"))
    }

    @Test(arguments: workerCounts)
    func aThrowingClosureInsideACompositeOperatorNamesTheNestedStep(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource(["x", "y", "", "z"]))
            .countFinal("count") { word in
                if word.isEmpty { throw Boom("empty word") }
                return word
            }
            .asKV()
            .output("out", TestingSink<KV<Int>>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, _, item, _) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step.rawValue.hasPrefix("test.count."), "step: \(step)")
        #expect(item == "\"\"")
        #expect(error.description.contains("empty word"))
    }

    @Test(arguments: workerCounts)
    func aFailingSinkNamesTheSinkStep(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource(partitions: [Array(0..<50), Array(50..<100)]))
            .map("double") { $0 * 2 }
            .output("out", TestingSink<Int>(failWhen: { $0 == 140 ? Boom("refusing \($0)") : nil }))

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, underlying) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.out")
        #expect(error.step == "test.out")
        let key = try #require(partition)
        #expect(key.rawValue.hasPrefix("worker-"))
        #expect((underlying as? Boom)?.reason == "refusing 140")
        #expect(error.description.contains("sink step 'test.out'"))
        #expect(error.description.contains("refusing 140"))
    }

    @Test(arguments: workerCounts)
    func aFailingPartitionedSinkNamesThePartition(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource(Array(0..<40)))
            .output("save", ParityFileLikeSink(failOn: 17))

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sinkFailed(step, partition, _) = error else {
            Issue.record("expected sinkFailed, got \(error)")
            return
        }
        #expect(step == "test.save")
        #expect(partition == "odd")
        #expect(error.description.contains("partition 'odd'"))
        #expect(error.description.contains("disk full at 17"))
    }

    @Test(arguments: workerCounts)
    func aSourceWhoseReadThrowsNamesStepAndPartition(workers: Int) throws {
        let flow = Dataflow("test")
        let source = ScriptedSource(
            [("p0", Array(0..<20)), ("p1", Array(100..<120)), ("p2", Array(200..<220))],
            failure: .reading("p1", afterItems: 7))
        flow.input("in", source).output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == "p1")
        #expect((underlying as? Boom)?.reason == "cannot read p1 at 7")
        #expect(error.description.contains("source step 'test.in' partition 'p1'"))
        #expect(error.description.contains("cannot read p1 at 7"))
    }

    @Test(arguments: workerCounts)
    func aTestingSourceAbortIsReportedAsASourceFailure(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource<Int>(events: [.item(1), .item(2), .abort, .item(3)]))
            .output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == "part-0")
        #expect(underlying is TestingSourceError)
    }

    @Test(arguments: workerCounts)
    func listingPartitionsThrowingGivesASourceFailureWithoutPartition(workers: Int) throws {
        let flow = Dataflow("test")
        flow.input("in", ScriptedSource([("p0", [1])], failure: .listing))
            .output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sourceFailed(step, partition, underlying) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == nil)
        #expect((underlying as? Boom)?.reason == "cannot list partitions")
        #expect(error.description == "source step 'test.in' failed: boom: cannot list partitions")
    }

    @Test(arguments: workerCounts)
    func buildingAPartitionThrowingNamesThatPartition(workers: Int) throws {
        let flow = Dataflow("test")
        let source = ScriptedSource(
            [("p0", Array(0..<10)), ("p1", Array(10..<20)), ("p2", Array(20..<30))], failure: .building("p2"))
        flow.input("in", source).output("out", TestingSink<Int>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .sourceFailed(step, partition, _) = error else {
            Issue.record("expected sourceFailed, got \(error)")
            return
        }
        #expect(step == "test.in")
        #expect(partition == "p2")
        #expect(error.description.contains("cannot open p2"))
    }
}
