import Foundation
import SluiceEngine

/// A per-worker cache of looked-up values with an optional time to live, as
/// `enrichCached` hands it to its mapper.
///
/// ```swift
/// let price = try cache.get("AAPL")   // fetched once, then served from memory
/// ```
public final class EnrichmentCache<Value> {
    private let getter: (String) throws -> Value
    private let ttl: TimeInterval?
    private let now: () -> Date
    private var entries: [String: (value: Value, fetched: Date)] = [:]

    init(getter: @escaping (String) throws -> Value, ttl: TimeInterval?, now: @escaping () -> Date) {
        self.getter = getter
        self.ttl = ttl
        self.now = now
    }

    /// The cached value for `key`, fetched with the getter when absent or expired.
    /// - Parameter key: The lookup key.
    /// - Returns: The value.
    /// - Throws: What the getter throws.
    public func get(_ key: String) throws -> Value {
        let time = now()
        if let entry = entries[key], ttl.map({ time.timeIntervalSince(entry.fetched) < $0 }) ?? true {
            return entry.value
        }
        let value = try getter(key)
        entries[key] = (value, time)
        return value
    }

    /// Forgets `key`, so the next `get` fetches it again.
    /// - Parameter key: The key to forget.
    public func remove(_ key: String) { entries.removeValue(forKey: key) }
}

extension DataStream {
    /// Enriches items with values from a slow lookup (a database, a service)
    /// through a per-worker cache: the getter runs once per key and again only
    /// after `ttl`.
    ///
    /// ```swift
    /// let priced = trades.enrichCached("price", ttl: .seconds(60), getter: { try fetchPrice($0) }) { cache, trade in
    ///     (trade, try cache.get(trade.symbol))
    /// }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - ttl: How long a fetched value stays valid; nil for ever.
    ///   - now: The clock, replaceable in tests.
    ///   - getter: Fetches the value of a key.
    ///   - mapper: Makes the output item, reading the cache.
    /// - Returns: The mapped stream.
    public func enrichCached<Value, Out: Sendable>(
        _ name: String, ttl: Duration? = nil, now: @escaping @Sendable () -> Date = { Date() },
        getter: @escaping @Sendable (String) throws -> Value,
        _ mapper: @escaping @Sendable (EnrichmentCache<Value>, Item) throws -> Out
    ) -> DataStream<Out> {
        let seconds = ttl?.seconds
        return flatMapBatchPerWorker(name, kind: "enrich_cached") { _ in
            let cache = EnrichmentCache(getter: getter, ttl: seconds, now: now)
            return { batch, _ in
                var out: [Out] = []
                out.reserveCapacity(batch.count)
                for item in batch { out.append(try forItem(item) { try mapper(cache, item) }) }
                return out
            }
        }
    }
}
