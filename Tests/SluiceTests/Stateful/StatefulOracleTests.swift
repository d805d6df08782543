import PropertyBased
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

// Oracle tests: the stateful operators against naive reference
// implementations (plain dictionary loops) on generated keyed input, with 1,
// 2 and 3 workers. With one partition every key's outputs must match the
// reference exactly and in order; with several partitions the interleaving of
// partitions differs between runs, so only what does not depend on it is
// compared (final results, multisets, sizes).

/// Generated keyed pairs: keys from a small alphabet, small signed values.
private let keyedPairs = zip(Gen.int(in: 0...3), Gen.int(in: -20...20)).array(of: 0...80)
    .map { pairs in pairs.map { KV("k\($0.0)", $0.1) } }

/// Generated join input: (is left, key, value).
private let sidedTriples = zip(Gen.bool, Gen.int(in: 0...3), Gen.int(in: 0...20)).array(of: 0...40)
    .map { triples in triples.map { SidedValue(left: $0.0, key: "k\($0.1)", value: $0.2) } }

/// One join input value.
private struct SidedValue: Sendable, CustomStringConvertible {
    let left: Bool
    let key: String
    let value: Int
    var description: String { "\(left ? "L" : "R")(\(key),\(value))" }
}

/// Deals items round-robin into `count` partitions, keeping their order within each.
private func dealt<Item>(_ items: [Item], into count: Int) -> [[Item]] {
    var partitions = [[Item]](repeating: [], count: count)
    for (index, item) in items.enumerated() { partitions[index % count].append(item) }
    return partitions
}

/// Groups keyed tuples by key, keeping their order within each key.
private func grouped<Value>(_ items: [(key: String, value: Value)]) -> [String: [Value]] {
    var groups: [String: [Value]] = [:]
    for item in items { groups[item.key, default: []].append(item.value) }
    return groups
}

/// Builds and runs a fresh flow with 1, 2 and 3 workers, calling `check`
/// with each run's sinks.
private func onEveryWorkerCount<Sinks>(
    shortEpochs: Bool, _ build: (Dataflow) -> Sinks, check: (_ workers: Int, Sinks) -> Void
) throws {
    for workers in workerCounts {
        let flow = Dataflow("oracle")
        let sinks = build(flow)
        try runToEnd(flow, workers: workers, epochInterval: shortEpochs ? .milliseconds(1) : .seconds(10))
        check(workers, sinks)
    }
}

// MARK: - Reference implementations

/// Running sum per key.
private func referenceRunningSums(_ items: [KV<Int>]) -> [String: [Int]] {
    var sums: [String: Int] = [:]
    var out: [String: [Int]] = [:]
    for item in items {
        sums[item.key, default: 0] += item.value
        out[item.key, default: []].append(sums[item.key]!)
    }
    return out
}

/// The flat-map under test: numbers a key's values 1…4 (then forgets the key)
/// and emits "n:value" |value| % 3 times.
@Sendable private func numberedCopies(_ state: Int?, _ value: Int) -> (Int?, [String]) {
    let n = (state ?? 0) + 1
    return (n == 4 ? nil : n, Array(repeating: "\(n):\(value)", count: abs(value) % 3))
}

private func referenceNumberedCopies(_ items: [KV<Int>]) -> [String: [String]] {
    var seen: [String: Int] = [:]
    var out: [String: [String]] = [:]
    for item in items {
        let n = seen[item.key, default: 0] + 1
        seen[item.key] = n == 4 ? 0 : n
        for _ in 0..<(abs(item.value) % 3) { out[item.key, default: []].append("\(n):\(item.value)") }
    }
    return out
}

/// Consecutive chunks of `size` per key; the remainder last.
private func referenceChunks(_ items: [KV<Int>], size: Int) -> [String: [[Int]]] {
    var pending: [String: [Int]] = [:]
    var out: [String: [[Int]]] = [:]
    for item in items {
        pending[item.key, default: []].append(item.value)
        if pending[item.key]!.count == size {
            out[item.key, default: []].append(pending[item.key]!)
            pending[item.key] = []
        }
    }
    for (key, rest) in pending where !rest.isEmpty { out[key, default: []].append(rest) }
    return out
}

/// Every value of each key, in order.
private func referenceValues(_ items: [KV<Int>]) -> [String: [Int]] {
    var out: [String: [Int]] = [:]
    for item in items { out[item.key, default: []].append(item.value) }
    return out
}

/// Join rows per key as "left|right" ("-" for an empty side).
private func referenceJoin(_ input: [SidedValue], insert: JoinInsertMode, emit: JoinEmitMode) -> [String: [String]] {
    var lefts: [String: [Int]] = [:]
    var rights: [String: [Int]] = [:]
    var out: [String: [String]] = [:]

    func keep(_ value: Int, in values: [Int]) -> [Int] {
        switch insert {
        case .first: return values.isEmpty ? [value] : values
        case .last: return [value]
        case .product: return values + [value]
        }
    }
    func rows(_ key: String) -> [String] {
        let ls = lefts[key, default: []].map(String.init), rs = rights[key, default: []].map(String.init)
        var rows: [String] = []
        for l in ls.isEmpty ? ["-"] : ls {
            for r in rs.isEmpty ? ["-"] : rs { rows.append("\(l)|\(r)") }
        }
        return rows
    }

    var seenKeys: [String] = []
    for item in input {
        if lefts[item.key] == nil && rights[item.key] == nil { seenKeys.append(item.key) }
        if item.left {
            lefts[item.key] = keep(item.value, in: lefts[item.key, default: []])
        } else {
            rights[item.key] = keep(item.value, in: rights[item.key, default: []])
        }
        switch emit {
        case .complete:
            if !lefts[item.key, default: []].isEmpty && !rights[item.key, default: []].isEmpty {
                out[item.key, default: []] += rows(item.key)
                lefts[item.key] = []
                rights[item.key] = []
            }
        case .running:
            out[item.key, default: []] += rows(item.key)
        case .final:
            break
        }
    }
    if emit == .final {
        for key in seenKeys { out[key] = rows(key) }
    }
    return out
}

// MARK: - Tests

@Suite struct StatefulOracleTests {
    @Test func runningOperatorsMatchTheReference() async {
        await propertyCheck(
            count: 40, input: keyedPairs, Gen.int(in: 1...6), Gen.int(in: 1...3), Gen.bool, Gen.int(in: 1...5)
        ) { items, batchSize, partitionCount, shortEpochs, collectSize in
            let partitions = dealt(items, into: partitionCount)
            try onEveryWorkerCount(shortEpochs: shortEpochs) { flow in
                let sums = TestingSink<(key: String, value: Int)>()
                let copies = TestingSink<(key: String, value: String)>()
                let chunks = TestingSink<(key: String, value: [Int])>()
                let keyed = flow.input("in", TestingSource(partitions: partitions, batchSize: batchSize)).keyed()
                keyed.statefulMap("sum") { (sum: Int?, value: Int) in ((sum ?? 0) + value, (sum ?? 0) + value) }
                    .output("sums", sums)
                keyed.statefulFlatMap("copies", numberedCopies).output("copies", copies)
                keyed.collect("chunks", timeout: .seconds(3600), maxSize: collectSize).output("chunks", chunks)
                return (sums, copies, chunks)
            } check: { workers, sinks in
                let context = "workers=\(workers) partitions=\(partitionCount) batch=\(batchSize)"
                let sums = grouped(sinks.0.items), copies = grouped(sinks.1.items), chunks = grouped(sinks.2.items)
                if partitionCount == 1 {
                    #expect(sums == referenceRunningSums(items), "\(context)")
                    #expect(copies == referenceNumberedCopies(items), "\(context)")
                    #expect(chunks == referenceChunks(items, size: collectSize), "\(context)")
                } else {
                    let values = referenceValues(items)
                    // One output per value, ending at the key's total.
                    #expect(sums.mapValues(\.count) == values.mapValues(\.count), "\(context)")
                    #expect(sums.mapValues { $0.last! } == values.mapValues { $0.reduce(0, +) }, "\(context)")
                    // Each value is copied |value| % 3 times, whatever its number.
                    let copiedValues = copies.mapValues { $0.map { $0.drop { $0 != ":" }.dropFirst() }.sorted() }
                    let expectedCopies = referenceNumberedCopies(items)
                        .mapValues { $0.map { $0.drop { $0 != ":" }.dropFirst() }.sorted() }
                    #expect(copiedValues == expectedCopies, "\(context)")
                    // Every value once, in full chunks but for the last one.
                    #expect(chunks.mapValues { $0.joined().sorted() } == values.mapValues { $0.sorted() }, "\(context)")
                    #expect(
                        chunks.mapValues { $0.map(\.count) }
                            == referenceChunks(items, size: collectSize).mapValues { $0.map(\.count) }, "\(context)")
                }
            }
        }
    }

    @Test func finalReducersMatchTheReference() async {
        await propertyCheck(
            count: 40, input: keyedPairs, Gen.int(in: 1...6), Gen.int(in: 1...3), Gen.bool
        ) { items, batchSize, partitionCount, shortEpochs in
            let partitions = dealt(items, into: partitionCount)
            let values = referenceValues(items)
            try onEveryWorkerCount(shortEpochs: shortEpochs) { flow in
                let folds = TestingSink<(key: String, value: [Int])>()
                let reduces = TestingSink<(key: String, value: String)>()
                let counts = TestingSink<(key: String, value: Int)>()
                let maxima = TestingSink<(key: String, value: Int)>()
                let minima = TestingSink<(key: String, value: Int)>()
                let input = flow.input("in", TestingSource(partitions: partitions, batchSize: batchSize))
                let keyed = input.keyed()
                keyed.foldFinal("fold", initial: { [Int]() }) { $0 + [$1] }.output("folds", folds)
                keyed.mapValue("text") { String($0) }.reduceFinal("reduce") { $0 + "," + $1 }.output("reduces", reduces)
                input.countFinal("count") { $0.key }.output("counts", counts)
                keyed.maxFinal("max").output("maxima", maxima)
                keyed.minFinal("min").output("minima", minima)
                return (folds, reduces, counts, maxima, minima)
            } check: { workers, sinks in
                let context = "workers=\(workers) partitions=\(partitionCount) batch=\(batchSize)"
                let folds = grouped(sinks.0.items), reduces = grouped(sinks.1.items)
                let counts = grouped(sinks.2.items), maxima = grouped(sinks.3.items), minima = grouped(sinks.4.items)
                // Exactly one result per key that had values.
                for (name, results) in [("fold", folds.mapValues(\.count)), ("reduce", reduces.mapValues(\.count)),
                                        ("count", counts.mapValues(\.count)), ("max", maxima.mapValues(\.count)),
                                        ("min", minima.mapValues(\.count))] {
                    #expect(results == values.mapValues { _ in 1 }, "\(name) \(context)")
                }
                #expect(counts.mapValues { $0[0] } == values.mapValues(\.count), "\(context)")
                #expect(maxima.mapValues { $0[0] } == values.mapValues { $0.max()! }, "\(context)")
                #expect(minima.mapValues { $0[0] } == values.mapValues { $0.min()! }, "\(context)")
                if partitionCount == 1 {
                    // Folding and reducing follow arrival order, which one partition fixes.
                    #expect(folds.mapValues { $0[0] } == values, "\(context)")
                    #expect(reduces.mapValues { $0[0] } == values.mapValues { $0.map(String.init).joined(separator: ",") }, "\(context)")
                } else {
                    #expect(folds.mapValues { $0[0].sorted() } == values.mapValues { $0.sorted() }, "\(context)")
                    let reducedSums = reduces.mapValues { $0[0].split(separator: ",").map { Int($0)! }.reduce(0, +) }
                    #expect(reducedSums == values.mapValues { $0.reduce(0, +) }, "\(context)")
                }
            }
        }
    }

    @Test func joinMatchesTheReference() async {
        let modes: [(JoinInsertMode, JoinEmitMode)] = [
            (.first, .complete), (.last, .complete), (.product, .complete),
            (.first, .final), (.last, .final), (.product, .final),
            (.first, .running), (.last, .running), (.product, .running),
        ]
        /// Joins both sides of `partitions` (split by `branch`) in every mode.
        func build(_ flow: Dataflow, _ partitions: [[SidedValue]], batchSize: Int) -> [TestingSink<(key: String, value: String)>] {
            let sides = flow.input("in", TestingSource(partitions: partitions, batchSize: batchSize))
                .branch("side") { $0.left }
            let lefts = sides.trues.map("left") { (key: $0.key, value: $0.value) }
            let rights = sides.falses.map("right") { (key: $0.key, value: $0.value) }
            return modes.enumerated().map { index, mode in
                let sink = TestingSink<(key: String, value: String)>()
                lefts.join("join\(index)", rights, insertMode: mode.0, emitMode: mode.1)
                    .mapValue("row\(index)") { "\($0.left.map(String.init) ?? "-")|\($0.right.map(String.init) ?? "-")" }
                    .output("out\(index)", sink)
                return sink
            }
        }
        await propertyCheck(
            count: 30, input: sidedTriples, Gen.int(in: 1...4), Gen.int(in: 2...3), Gen.bool
        ) { input, batchSize, partitionCount, shortEpochs in
            // One partition in batches of one: each key's values reach the
            // join in input order (`branch` splits a larger batch into its
            // lefts and its rights, which then arrive one side after the
            // other), so every mode must match the reference exactly.
            try onEveryWorkerCount(shortEpochs: shortEpochs) { flow in
                build(flow, [input], batchSize: 1)
            } check: { workers, sinks in
                for (index, mode) in modes.enumerated() {
                    #expect(
                        grouped(sinks[index].items) == referenceJoin(input, insert: mode.0, emit: mode.1),
                        "\(mode) workers=\(workers)")
                }
            }
            // Several partitions in larger batches: the interleaving varies,
            // but in product mode every left meets every right of its key.
            try onEveryWorkerCount(shortEpochs: shortEpochs) { flow in
                build(flow, dealt(input, into: partitionCount), batchSize: batchSize)
            } check: { workers, sinks in
                let index = modes.firstIndex { $0 == (.product, .final) }!
                #expect(
                    grouped(sinks[index].items).mapValues { $0.sorted() }
                        == referenceJoin(input, insert: .product, emit: .final).mapValues { $0.sorted() },
                    "workers=\(workers) partitions=\(partitionCount) batch=\(batchSize)")
            }
        }
    }
}
