import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

/// Counts the getter's calls per key, across workers.
private final class Lookups: Sendable {
    private let calls = Mutex<[String: Int]>([:])

    /// Records a call for `key` and returns "key#n" for its n-th call.
    func fetch(_ key: String) -> String {
        let n = calls.withLock { calls in
            calls[key, default: 0] += 1
            return calls[key]!
        }
        return "\(key)#\(n)"
    }

    var counts: [String: Int] { calls.withLock { $0 } }
}

/// A clock the test sets: each item carries the time at which it is looked up.
private final class ManualClock: Sendable {
    private let seconds = Mutex(0.0)
    func set(_ value: Double) { seconds.withLock { $0 = value } }
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
}

@Suite struct EnrichCachedTests {
    @Test func withoutATTLTheGetterRunsOncePerKeyPerWorker() throws {
        // Three partitions with the same keys: with n workers, min(n, 3)
        // workers read a partition, and each looks every key up once.
        let partition = ["a", "b", "c", "a", "b", "a"]
        var lookups: [Int: Lookups] = [:]
        var expectedWorkers = workerCounts.makeIterator()
        let out = try expectSameMultisetOnEveryWorkerCount { flow in
            let calls = Lookups()
            lookups[expectedWorkers.next()!] = calls
            let sink = TestingSink<String>()
            flow.input("in", TestingSource(partitions: [partition, partition, partition], batchSize: 2))
                .enrichCached("price", getter: { calls.fetch($0) }) { cache, key in
                    // Drop the call number: it differs per worker by design.
                    "\(key)=\(try cache.get(key).prefix { $0 != "#" })"
                }
                .output("out", sink)
            return sink
        }
        #expect(out == (["a=a", "a=a", "a=a", "b=b", "b=b", "c=c"] as [String]).flatMap { Array(repeating: $0, count: 3) })
        for workers in workerCounts {
            let readers = min(workers, 3)
            #expect(lookups[workers]?.counts == ["a": readers, "b": readers, "c": readers], "workers=\(workers)")
        }
    }

    @Test func withATTLTheGetterRunsAgainOnceAValueExpires() throws {
        // (key, lookup time in s); ttl 10 s. A value fetched at t is fresh
        // strictly before t + 10.
        let input: [(String, Int)] = [
            ("a", 0), ("b", 0), ("a", 5), ("a", 9), ("b", 12), ("a", 10), ("a", 19), ("a", 20), ("b", 21),
        ]
        var lookups: [Lookups] = []
        let out = try expectSamePerKeyOnEveryWorkerCount { flow in
            let calls = Lookups()
            lookups.append(calls)
            let clock = ManualClock()
            let sink = TestingSink<KV<String>>()
            // One partition: one worker does every lookup, in input order.
            flow.input("in", keyedSource(input, batchSize: 2))
                .enrichCached("price", ttl: .seconds(10), now: { clock.now }, getter: { calls.fetch($0) }) { cache, item in
                    clock.set(Double(item.value))
                    return KV(item.key, "t\(item.value):\(try cache.get(item.key))")
                }
                .output("out", sink)
            return sink
        }
        #expect(out["a"] == ["t0:a#1", "t5:a#1", "t9:a#1", "t10:a#2", "t19:a#2", "t20:a#3"])
        #expect(out["b"] == ["t0:b#1", "t12:b#2", "t21:b#2"])
        #expect(lookups.count == 3)
        for calls in lookups { #expect(calls.counts == ["a": 3, "b": 2]) }
    }
}
