import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// One input of the join tests: a value for the left or the right side.
private struct Sided: Sendable, Comparable {
    let left: Bool
    let key: String
    let value: Int
    static func < (a: Sided, b: Sided) -> Bool { (a.key, a.value, a.left ? 0 : 1) < (b.key, b.value, b.left ? 0 : 1) }
}

private func left(_ key: String, _ value: Int) -> Sided { Sided(left: true, key: key, value: value) }
private func right(_ key: String, _ value: Int) -> Sided { Sided(left: false, key: key, value: value) }

/// Per key: a: L1 R10 L2 L3 R30, b: R20 R21, c: L5. One partition, batches of
/// one: both sides come from one source (split by `branch`), so every worker
/// count sees each key's values in this order.
private let script: [Sided] = [
    left("a", 1), right("a", 10), left("a", 2), right("b", 20), left("a", 3), right("a", 30), right("b", 21),
    left("c", 5),
]

/// Runs `join` on `inputs` with 1, 2 and 3 workers; returns per key the rows
/// as "left|right" ("-" for a missing side), in emitted order.
private func joined(
    _ inputs: [[Sided]], insert: JoinInsertMode, emit: JoinEmitMode, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: [String]] {
    try expectSamePerKeyOnEveryWorkerCount(
        { flow in
            let sink = TestingSink<KV<String>>()
            let sides = flow.input("in", TestingSource(partitions: inputs)).branch("side") { $0.left }
            let lefts = sides.trues.map("left") { (key: $0.key, value: $0.value) }
            let rights = sides.falses.map("right") { (key: $0.key, value: $0.value) }
            lefts.join("join", rights, insertMode: insert, emitMode: emit)
                .map("row") { row in
                    KV(row.key, "\(row.value.left.map(String.init) ?? "-")|\(row.value.right.map(String.init) ?? "-")")
                }
                .output("out", sink)
            return sink
        }, sourceLocation: sourceLocation)
}

@Suite struct JoinTests {
    @Test func firstComplete() throws {
        #expect(try joined([script], insert: .first, emit: .complete) == ["a": ["1|10", "2|30"]])
    }

    @Test func lastComplete() throws {
        #expect(try joined([script], insert: .last, emit: .complete) == ["a": ["1|10", "3|30"]])
    }

    @Test func productComplete() throws {
        #expect(try joined([script], insert: .product, emit: .complete) == ["a": ["1|10", "2|30", "3|30"]])
    }

    @Test func firstFinal() throws {
        #expect(try joined([script], insert: .first, emit: .final) == ["a": ["1|10"], "b": ["-|20"], "c": ["5|-"]])
    }

    @Test func lastFinal() throws {
        #expect(try joined([script], insert: .last, emit: .final) == ["a": ["3|30"], "b": ["-|21"], "c": ["5|-"]])
    }

    @Test func productFinal() throws {
        #expect(
            try joined([script], insert: .product, emit: .final) == [
                "a": ["1|10", "1|30", "2|10", "2|30", "3|10", "3|30"], "b": ["-|20", "-|21"], "c": ["5|-"],
            ])
    }

    @Test func firstRunning() throws {
        #expect(
            try joined([script], insert: .first, emit: .running) == [
                "a": ["1|-", "1|10", "1|10", "1|10", "1|10"], "b": ["-|20", "-|20"], "c": ["5|-"],
            ])
    }

    @Test func lastRunning() throws {
        #expect(
            try joined([script], insert: .last, emit: .running) == [
                "a": ["1|-", "1|10", "2|10", "3|10", "3|30"], "b": ["-|20", "-|21"], "c": ["5|-"],
            ])
    }

    @Test func productRunning() throws {
        #expect(
            try joined([script], insert: .product, emit: .running) == [
                "a": [
                    "1|-",
                    "1|10",
                    "1|10", "2|10",
                    "1|10", "2|10", "3|10",
                    "1|10", "1|30", "2|10", "2|30", "3|10", "3|30",
                ],
                "b": ["-|20", "-|20", "-|21"],
                "c": ["5|-"],
            ])
    }

    @Test func theDefaultsAreLastAndComplete() throws {
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            let sides = flow.input("in", TestingSource(script)).branch("side") { $0.left }
            let lefts = sides.trues.map("left") { (key: $0.key, value: $0.value) }
            let rights = sides.falses.map("right") { (key: $0.key, value: $0.value) }
            lefts.join("join", rights)
                .map("row") { KV($0.key, "\($0.value.left!)|\($0.value.right!)") }
                .output("out", sink)
            return sink
        }
        #expect(perKey == ["a": ["1|10", "3|30"]])
    }

    @Test func productFinalIsTheSameWhateverTheInterleaving() throws {
        // Several partitions interleave differently per worker count, but
        // every left meets every right of its key.
        let partitions: [[Sided]] = [
            [left("a", 1), right("b", 7), left("a", 2)], [right("a", 10), right("a", 11), left("b", 3)], [left("c", 4)],
        ]
        let results = try runEachWorkerCount(workerCounts) { flow in
            let sink = TestingSink<KV<String>>()
            let sides = flow.input("in", TestingSource(partitions: partitions, batchSize: 2)).branch("side") { $0.left }
            let lefts = sides.trues.map("left") { (key: $0.key, value: $0.value) }
            let rights = sides.falses.map("right") { (key: $0.key, value: $0.value) }
            lefts.join("join", rights, insertMode: .product, emitMode: .final)
                .map("row") { KV($0.key, "\($0.value.left.map(String.init) ?? "-")|\($0.value.right.map(String.init) ?? "-")") }
                .output("out", sink)
            return sink
        }
        for count in workerCounts {
            #expect(
                results[count]!.sorted() == [
                    KV("a", "1|10"), KV("a", "1|11"), KV("a", "2|10"), KV("a", "2|11"), KV("b", "3|7"), KV("c", "4|-"),
                ], "workers=\(count)")
        }
    }
}
