import SluiceEngine
import Testing

@Suite struct StableHashTests {
    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(StableHash.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func fnv1aHashesUTF8Bytes() {
        let text = "naïve café 🍎"
        let viaBytes = Array(text.utf8).withUnsafeBufferPointer { StableHash.fnv1a(bytes: $0) }
        #expect(StableHash.fnv1a(text) == viaBytes)
        // A bridged or non-contiguous string hashes like a native one.
        let substring = "xx" + text + "yy"
        let sliced = String(substring.dropFirst(2).dropLast(2))
        #expect(StableHash.fnv1a(sliced) == viaBytes)
    }

    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func routeIsInRangeAndDeterministic(workerCount: Int) {
        for index in 0..<2_000 {
            let key = "key-\(index)"
            let worker = StableHash.route(key, workerCount: workerCount)
            #expect((0..<workerCount).contains(worker), "key \(key) routed to \(worker) of \(workerCount)")
            #expect(StableHash.route(key, workerCount: workerCount) == worker)
        }
    }

    @Test func routeOfOneWorkerIsAlwaysZero() {
        for key in ["", "a", "zzz", "🍎"] {
            #expect(StableHash.route(key, workerCount: 1) == 0)
        }
    }

    @Test func routeSpreadsKeysEvenlyOverFourWorkers() {
        let keyCount = 10_000
        var buckets = [Int](repeating: 0, count: 4)
        for index in 0..<keyCount {
            buckets[StableHash.route("key-\(index)", workerCount: 4)] += 1
        }
        for (worker, count) in buckets.enumerated() {
            #expect(
                count >= keyCount * 20 / 100 && count <= keyCount * 30 / 100,
                "worker \(worker) got \(count) of \(keyCount) keys: \(buckets)")
        }
    }

    @Test func routeSpreadsShortKeysToo() {
        // Short keys are where FNV's low bits are weakest.
        var buckets = [Int](repeating: 0, count: 4)
        let keys = (0..<26).flatMap { a in
            (0..<26).map { b in String([Character(UnicodeScalar(97 + a)!), Character(UnicodeScalar(97 + b)!)]) }
        }
        for key in keys { buckets[StableHash.route(key, workerCount: 4)] += 1 }
        for count in buckets {
            #expect(count >= keys.count * 20 / 100 && count <= keys.count * 30 / 100, "\(buckets)")
        }
    }
}
