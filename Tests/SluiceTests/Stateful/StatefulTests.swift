import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Numbers the values of its key: emits "n:value" for the n-th value, and
/// forgets the key after `resetAfter` values (`.discard`).
private final class Numbering: StatefulLogic {
    private var seen: Int
    private let resetAfter: Int

    init(resume: Int?, resetAfter: Int = .max) {
        seen = resume ?? 0
        self.resetAfter = resetAfter
    }

    func onItem(_ value: Int, emit: inout KeyedEmitter<String>) throws -> StateAction {
        seen += 1
        emit("\(seen):\(value)")
        return seen >= resetAfter ? .discard : .retain
    }

    func onEOF(emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("eof after \(seen)")
        return .discard
    }

    func snapshot() -> Int { seen }
}

/// Records how values reach it: one "batch […]" per `onBatch` call.
private final class BatchRecorder: StatefulLogic {
    static var prefersBatches: Bool { true }

    init() {}

    func onItem(_ value: Int, emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("item \(value)")
        return .retain
    }

    func onBatch(_ values: [Int], emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("batch \(values.map(String.init).joined(separator: ","))")
        return .retain
    }

    func snapshot() -> Int { 0 }
}

/// `Numbering` that asks for batches but keeps the default `onBatch`.
private final class BatchedNumbering: StatefulLogic {
    static var prefersBatches: Bool { true }
    private let inner: Numbering
    init(resetAfter: Int) { inner = Numbering(resume: nil, resetAfter: resetAfter) }

    func onItem(_ value: Int, emit: inout KeyedEmitter<String>) throws -> StateAction {
        try inner.onItem(value, emit: &emit)
    }

    func onEOF(emit: inout KeyedEmitter<String>) throws -> StateAction { try inner.onEOF(emit: &emit) }
    func snapshot() -> Int { inner.snapshot() }
}

/// Sums its key's values silently and emits the sum at the end of input.
private final class SumAtEnd: StatefulLogic {
    private var sum = 0
    init() {}

    func onItem(_ value: Int, emit: inout KeyedEmitter<Int>) throws -> StateAction {
        sum += value
        return .retain
    }

    func onEOF(emit: inout KeyedEmitter<Int>) throws -> StateAction {
        emit(sum)
        return .discard
    }

    func snapshot() -> Int { sum }
}

/// Asks to be notified right away (`notifyAt` is already due) after its
/// key's first value, and emits "notify <value>" when it is.
private final class Reminder: StatefulLogic {
    private var last: Int?
    private var due: Date?
    init() {}

    func onItem(_ value: Int, emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("item \(value)")
        if last == nil { due = Date() }
        last = value
        return .retain
    }

    func onNotify(emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("notify \(last.map(String.init) ?? "none")")
        due = nil
        return .retain
    }

    func onEOF(emit: inout KeyedEmitter<String>) throws -> StateAction {
        emit("eof")
        return .discard
    }

    func notifyAt() -> Date? { due }
    func snapshot() -> Int? { last }
}

@Suite struct StatefulTests {
    @Test func perItemLogicSeesEachKeysValuesInOrder() throws {
        let input: [(String, Int)] = [("a", 1), ("b", 2), ("a", 3), ("c", 4), ("a", 5), ("b", 6), ("c", 7), ("a", 8)]
        for batchSize in [1, 3] {
            let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
                let sink = TestingSink<KV<String>>()
                flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                    .stateful("number") { (resume: Int?) in Numbering(resume: resume) }
                    .asKV().output("out", sink)
                return sink
            }
            #expect(perKey["a"] == ["1:1", "2:3", "3:5", "4:8", "eof after 4"], "batchSize \(batchSize)")
            #expect(perKey["b"] == ["1:2", "2:6", "eof after 2"], "batchSize \(batchSize)")
            #expect(perKey["c"] == ["1:4", "2:7", "eof after 2"], "batchSize \(batchSize)")
            #expect(perKey.count == 3)
        }
    }

    @Test func prefersBatchesGroupsEachBatchsValuesByKeyInOrder() throws {
        // Batches of 4: [a1 b2 a3 a4] [c5 b6 a7 b8] [a9]
        let input: [(String, Int)] = [
            ("a", 1), ("b", 2), ("a", 3), ("a", 4), ("c", 5), ("b", 6), ("a", 7), ("b", 8), ("a", 9),
        ]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: 4)).keyed()
                .stateful("record") { (_: Int?) in BatchRecorder() }
                .asKV().output("out", sink)
            return sink
        }
        #expect(perKey["a"] == ["batch 1,3,4", "batch 7", "batch 9"])
        #expect(perKey["b"] == ["batch 2", "batch 6,8"])
        #expect(perKey["c"] == ["batch 5"])
    }

    @Test func discardStartsTheKeyAfresh() throws {
        let input: [(String, Int)] = (1...7).map { ("a", $0) } + [("b", 10), ("a", 8), ("b", 11)]
        for batchSize in [1, 4] {
            let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
                let sink = TestingSink<KV<String>>()
                flow.input("in", keyedSource(input, batchSize: batchSize)).keyed()
                    .stateful("number") { (resume: Int?) in Numbering(resume: resume, resetAfter: 4) }
                    .asKV().output("out", sink)
                return sink
            }
            // a is discarded after its 4th and 8th value, so it has nothing to flush at the end.
            #expect(perKey["a"] == ["1:1", "2:2", "3:3", "4:4", "1:5", "2:6", "3:7", "4:8"], "batchSize \(batchSize)")
            #expect(perKey["b"] == ["1:10", "2:11", "eof after 2"], "batchSize \(batchSize)")
        }
    }

    @Test func defaultOnBatchStartsAFreshStateAfterADiscard() throws {
        let input: [(String, Int)] = (1...7).map { ("a", $0) } + [("b", 10), ("a", 8), ("b", 11)]
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", keyedSource(input, batchSize: 4)).keyed()
                .stateful("number") { (_: Int?) in BatchedNumbering(resetAfter: 3) }
                .asKV().output("out", sink)
            return sink
        }
        // The same as one `onItem` call per value: each discard starts a fresh state.
        #expect(perKey["a"] == ["1:1", "2:2", "3:3", "1:4", "2:5", "3:6", "1:7", "2:8", "eof after 2"])
        #expect(perKey["b"] == ["1:10", "2:11", "eof after 2"])
    }

    @Test func endOfInputFlushesEveryKeyOnce() throws {
        let partitions: [[KV<Int>]] = [
            [KV("a", 1), KV("b", 2), KV("a", 3)],
            [KV("c", 4), KV("a", 5)],
            [KV("b", 6), KV("d", 7)],
        ]
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 2)).keyed()
                .stateful("sum") { (_: Int?) in SumAtEnd() }
                .asKV().output("out", sink)
            return sink
        }
        #expect(out == [KV("a", 9), KV("b", 8), KV("c", 4), KV("d", 7)])
    }

    @Test func aDueTimerFiresBeforeTheEndOfInput() throws {
        var gaveUp: [Flag] = []
        let perKey = try expectSamePerKeyOnEveryWorkerCount { flow in
            let notified = Flag()
            let notifications = SharedCounter()
            let source = KeepAliveSource([KV("a", 1), KV("b", 2)], then: [KV("a", 3)], until: notified)
            gaveUp.append(source.gaveUp)
            let sink = TestingSink<KV<String>>()
            flow.input("in", source).keyed()
                .stateful("remind") { (_: Int??) in Reminder() }
                .inspect("observe") { item in
                    // Both phase-one notifications seen: let the source go on.
                    if item.value.hasPrefix("notify"), notifications.increment() == 2 { notified.set() }
                }
                .asKV().output("out", sink)
            return sink
        }
        #expect(gaveUp.count == 3)
        #expect(gaveUp.allSatisfy { !$0.isSet }, "the source gave up waiting for the notifications")
        // "notify 1" can only precede "item 3" if the timer fired while the
        // input was still running (the source holds back 3 until then).
        #expect(perKey["a"] == ["item 1", "notify 1", "item 3", "eof"])
        #expect(perKey["b"] == ["item 2", "notify 2", "eof"])
    }
}
