import Sluice
import SluiceTesting
import Testing

/// A reading compared by `celsius` only, to see which of equals is kept.
private struct Reading: Codable, Sendable {
    let id: String
    let celsius: Int
}

@Suite struct MaxMinFinalTests {
    private static let partitions: [[KV<Int>]] = [
        [KV("a", 3), KV("b", -2), KV("a", 9), KV("c", 0)],
        [KV("a", -4), KV("b", -7), KV("b", -1)],
        [KV("a", 9), KV("d", 42)],
    ]

    @Test func maxFinalEmitsEachKeysLargestValue() throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: Self.partitions, batchSize: 2)).keyed()
                .maxFinal("max").asKV().output("out", sink)
            return sink
        }
        #expect(out == [KV("a", 9), KV("b", -1), KV("c", 0), KV("d", 42)])
    }

    @Test func minFinalEmitsEachKeysSmallestValue() throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: Self.partitions, batchSize: 2)).keyed()
                .minFinal("min").asKV().output("out", sink)
            return sink
        }
        #expect(out == [KV("a", -4), KV("b", -7), KV("c", 0), KV("d", 42)])
    }

    private static let readings: [(String, Reading)] = [
        ("kitchen", Reading(id: "k1", celsius: 20)), ("hall", Reading(id: "h1", celsius: 15)),
        ("kitchen", Reading(id: "k2", celsius: 25)), ("kitchen", Reading(id: "k3", celsius: 18)),
        ("hall", Reading(id: "h2", celsius: 15)), ("kitchen", Reading(id: "k4", celsius: 25)),
        ("kitchen", Reading(id: "k5", celsius: 18)), ("hall", Reading(id: "h3", celsius: 16)),
    ]

    @Test(arguments: [1, 3])
    func maxFinalByKeepsTheFirstOfEquals(batchSize: Int) throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(Self.readings.map { KV($0.0, $0.1.id) }, batchSize: batchSize))
                .map("reading") { item in (key: item.key, value: Self.readings.first { $0.1.id == item.value }!.1) }
                .maxFinal("hottest") { $0.celsius }
                .map("id") { KV($0.key, $0.value.id) }.output("out", sink)
            return sink
        }
        #expect(out == [KV("hall", "h3"), KV("kitchen", "k2")])
    }

    @Test(arguments: [1, 3])
    func minFinalByKeepsTheFirstOfEquals(batchSize: Int) throws {
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(Self.readings.map { KV($0.0, $0.1.id) }, batchSize: batchSize))
                .map("reading") { item in (key: item.key, value: Self.readings.first { $0.1.id == item.value }!.1) }
                .minFinal("coldest") { $0.celsius }
                .map("id") { KV($0.key, $0.value.id) }.output("out", sink)
            return sink
        }
        #expect(out == [KV("hall", "h1"), KV("kitchen", "k3")])
    }
}
