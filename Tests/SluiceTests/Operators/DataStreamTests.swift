import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

@Suite struct DataStreamTests {
    @Test func fanOutDeliversEveryItemToEveryConsumer() throws {
        let partitions = [Array(0..<70), Array(70..<100)]
        for workers in workerCounts {
            let flow = Dataflow("test")
            let doubled = TestingSink<Int>()
            let odd = TestingSink<Int>()
            let raw = TestingSink<Int>()
            let numbers = flow.input("in", TestingSource(partitions: partitions, batchSize: 6))
            numbers.map("double") { $0 * 2 }.output("doubled", doubled)
            numbers.filter("keep_odd") { $0 % 2 == 1 }.output("odd", odd)
            numbers.output("raw", raw)
            try run(flow, workers: workers)
            #expect(doubled.items.sorted() == (0..<100).map { $0 * 2 }, "workers=\(workers)")
            #expect(odd.items.sorted() == (0..<100).filter { $0 % 2 == 1 }, "workers=\(workers)")
            #expect(raw.items.sorted() == Array(0..<100), "workers=\(workers)")
        }
    }

    @Test func fanOutOfAnExchangedStreamDeliversToBoth() throws {
        for workers in workerCounts {
            let flow = Dataflow("test")
            let first = TestingSink<Int>()
            let second = TestingSink<Int>()
            let spread = flow.input("in", TestingSource(Array(0..<200), batchSize: 9)).redistribute("spread")
            spread.output("first", first)
            spread.map("plus") { $0 + 1000 }.output("second", second)
            try run(flow, workers: workers)
            #expect(first.items.sorted() == Array(0..<200), "workers=\(workers)")
            #expect(second.items.sorted() == Array(1000..<1200), "workers=\(workers)")
        }
    }

    @Test func eachConsumerKeepsTheStreamOrderOnOneWorker() throws {
        let flow = Dataflow("test")
        let left = TestingSink<String>()
        let right = TestingSink<String>()
        let words = flow.input("in", TestingSource((0..<40).map { "w\($0)" }, batchSize: 3))
        words.map("upper") { $0.uppercased() }.output("left", left)
        words.inspect("peek") { _ in }.output("right", right)
        try run(flow, workers: 1)
        #expect(left.items == (0..<40).map { "W\($0)" })
        #expect(right.items == (0..<40).map { "w\($0)" })
    }
}
